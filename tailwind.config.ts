import type { Config } from 'tailwindcss';

/**
 * Band colours are the only loud colours in the product. Each pair (background, text) passes
 * WCAG AA for normal text; they are used for badges, chart zones and count cards alike.
 */
const config: Config = {
  content: ['./app/**/*.{ts,tsx}', './components/**/*.{ts,tsx}', './lib/**/*.{ts,tsx}'],
  theme: {
    extend: {
      colors: {
        accent: { DEFAULT: '#2563eb', strong: '#1d4ed8', soft: '#eff6ff' },
        band: {
          green: '#dcfce7',
          'green-fg': '#14532d',
          'green-solid': '#16a34a',
          yellow: '#fef9c3',
          'yellow-fg': '#713f12',
          'yellow-solid': '#ca8a04',
          orange: '#ffedd5',
          'orange-fg': '#7c2d12',
          'orange-solid': '#ea580c',
          red: '#fee2e2',
          'red-fg': '#7f1d1d',
          'red-solid': '#dc2626',
          grey: '#f3f4f6',
          'grey-fg': '#374151',
          'grey-solid': '#9ca3af',
        },
      },
      fontFamily: {
        sans: ['ui-sans-serif', 'system-ui', '-apple-system', 'Segoe UI', 'Roboto', 'sans-serif'],
      },
    },
  },
  plugins: [],
};

export default config;
