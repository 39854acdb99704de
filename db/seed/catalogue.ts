/**
 * Fixed catalogues of the demo seed: the default trigger catalogue of SCORING.md §1 (with
 * property types), the product feature catalogue, the CSMs who own accounts, and the word lists
 * company and person names are made of.
 */
import { DEFAULT_TRIGGERS, type TriggerDef } from '../../lib/scoring/default-model';

/** SCORING.md §1: the default trigger catalogue, with property types (one source: lib/scoring). */
export const SEED_TRIGGERS: readonly TriggerDef[] = DEFAULT_TRIGGERS;
export type SeedTrigger = TriggerDef;

export type FeatureTier = 'core' | 'advanced' | 'basic';

export interface SeedFeature {
  key: string;
  label: string;
  tier: FeatureTier;
}

export const SEED_FEATURES: readonly SeedFeature[] = [
  { key: 'dashboards', label: 'Dashboards', tier: 'core' },
  { key: 'workflows', label: 'Workflows', tier: 'core' },
  { key: 'reports', label: 'Reports', tier: 'core' },
  { key: 'alerts', label: 'Alerts and notifications', tier: 'core' },
  { key: 'data_import', label: 'Data import', tier: 'core' },
  { key: 'integrations', label: 'Integrations', tier: 'advanced' },
  { key: 'api', label: 'API', tier: 'advanced' },
  { key: 'sso', label: 'Single sign-on', tier: 'advanced' },
  { key: 'automation', label: 'Automation rules', tier: 'advanced' },
  { key: 'advanced_analytics', label: 'Advanced analytics', tier: 'advanced' },
  { key: 'mobile', label: 'Mobile app', tier: 'basic' },
  { key: 'comments', label: 'Comments', tier: 'basic' },
  { key: 'exports', label: 'CSV exports', tier: 'basic' },
  { key: 'templates', label: 'Templates', tier: 'basic' },
];

/** The CSMs accounts are spread over, evenly: csm@example.com (a demo login) owns about 1/6. */
export const SEED_OWNERS: readonly { email: string; name: string }[] = [
  { email: 'csm@example.com', name: 'Casey CSM' },
  { email: 'priya.shah@example.com', name: 'Priya Shah' },
  { email: 'marco.rossi@example.com', name: 'Marco Rossi' },
  { email: 'lena.fischer@example.com', name: 'Lena Fischer' },
  { email: 'sam.okafor@example.com', name: 'Sam Okafor' },
  { email: 'jordan.lee@example.com', name: 'Jordan Lee' },
];

export const TIER_SHARES = { strategic: 0.08, growth: 0.22, core: 0.4, nurture: 0.3 } as const;
export type SeedTier = keyof typeof TIER_SHARES;

export const DEPARTMENTS = ['Finance', 'Operations', 'IT', 'Sales', 'Marketing', 'Support', 'Product', 'HR', 'Legal'] as const;
/** how often each department shows up among contacts (same order as DEPARTMENTS) */
export const DEPARTMENT_WEIGHTS = [1, 3, 2.2, 2, 1.5, 2, 1.5, 0.7, 0.4];
/** departments an executive sponsor tends to come from */
export const SPONSOR_DEPARTMENTS = ['Finance', 'Operations', 'IT', 'Sales', 'Product'] as const;

// ---------------------------------------------------------------- company names

export const NAME_HEADS = [
  'North', 'Blue', 'Silver', 'Iron', 'Bright', 'Cedar', 'Clear', 'Summit', 'Harbor', 'Red', 'Stone', 'Green', 'Pine',
  'Golden', 'Maple', 'River', 'Lake', 'Oak', 'Swift', 'True', 'Prime', 'Nova', 'Aster', 'Bold', 'Crest', 'Delta', 'Echo',
  'Falcon', 'Granite', 'High', 'Key', 'Lumen', 'Meridian', 'Orbit', 'Pioneer', 'Quartz', 'Sable', 'Terra', 'Vertex',
  'Willow', 'Zephyr', 'Atlas', 'Beacon', 'Copper', 'Drift', 'Ember', 'Fern', 'Glacier', 'Hollow', 'Indigo', 'Juniper',
  'Kestrel', 'Lantern', 'Mosaic', 'Nimbus', 'Opal', 'Pebble', 'Quill', 'Raven', 'Sierra', 'Tidal', 'Umber', 'Vista',
  'Wren', 'Yarrow', 'Birch', 'Coral', 'Dune', 'Elm', 'Frost',
] as const;

export const NAME_TAILS = [
  'field', 'stone', 'bridge', 'point', 'wave', 'works', 'gate', 'line', 'path', 'ridge', 'view', 'forge', 'light',
  'spring', 'wood', 'port', 'leaf', 'mark', 'peak', 'brook', 'shore', 'vale', 'well', 'way', 'star', 'side', 'haven',
  'fall', 'stack', 'hill',
] as const;

/** company kinds and the industry each implies */
export const NAME_KINDS: readonly { word: string; industry: string }[] = [
  { word: 'Logistics', industry: 'Logistics' },
  { word: 'Freight', industry: 'Logistics' },
  { word: 'Systems', industry: 'Software' },
  { word: 'Software', industry: 'Software' },
  { word: 'Technologies', industry: 'Software' },
  { word: 'Labs', industry: 'Software' },
  { word: 'Analytics', industry: 'Software' },
  { word: 'Health', industry: 'Healthcare' },
  { word: 'Medical', industry: 'Healthcare' },
  { word: 'Biotech', industry: 'Life Sciences' },
  { word: 'Foods', industry: 'Consumer Goods' },
  { word: 'Retail', industry: 'Retail' },
  { word: 'Outfitters', industry: 'Retail' },
  { word: 'Energy', industry: 'Energy' },
  { word: 'Power', industry: 'Energy' },
  { word: 'Capital', industry: 'Financial Services' },
  { word: 'Insurance', industry: 'Financial Services' },
  { word: 'Bank', industry: 'Financial Services' },
  { word: 'Robotics', industry: 'Manufacturing' },
  { word: 'Manufacturing', industry: 'Manufacturing' },
  { word: 'Industries', industry: 'Manufacturing' },
  { word: 'Media', industry: 'Media' },
  { word: 'Studios', industry: 'Media' },
  { word: 'Networks', industry: 'Telecommunications' },
  { word: 'Learning', industry: 'Education' },
  { word: 'Partners', industry: 'Professional Services' },
  { word: 'Consulting', industry: 'Professional Services' },
  { word: 'Group', industry: 'Professional Services' },
];

// ---------------------------------------------------------------- people

export const FIRST_NAMES = [
  'Aisha', 'Alex', 'Amara', 'Ana', 'Andre', 'Arjun', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Dara',
  'David', 'Elena', 'Emeka', 'Emma', 'Fatima', 'Felix', 'Gabriel', 'Grace', 'Hana', 'Hugo', 'Ines', 'Isaac', 'Ivy',
  'Jakub', 'James', 'Jin', 'Julia', 'Kai', 'Kavya', 'Kenji', 'Laura', 'Leila', 'Liam', 'Lucas', 'Maya', 'Mei', 'Mia',
  'Mohammed', 'Nadia', 'Naomi', 'Nikhil', 'Noah', 'Olivia', 'Omar', 'Pablo', 'Paula', 'Quinn', 'Rachel', 'Rafael',
  'Riya', 'Robert', 'Rosa', 'Ryan', 'Sara', 'Sebastian', 'Sofia', 'Sven', 'Tariq', 'Tess', 'Thomas', 'Uma', 'Victor',
  'Wei', 'Yara', 'Yusuf', 'Zoe', 'Zara',
] as const;

export const LAST_NAMES = [
  'Adeyemi', 'Alvarez', 'Andersen', 'Baker', 'Bauer', 'Brooks', 'Castillo', 'Chen', 'Cohen', 'Costa', 'Das', 'Dubois',
  'Evans', 'Fernandes', 'Fischer', 'Garcia', 'Gupta', 'Hansen', 'Hoffmann', 'Hughes', 'Ibrahim', 'Ito', 'Jansen',
  'Johnson', 'Kaur', 'Kim', 'Kowalski', 'Larsen', 'Lopez', 'Martin', 'Mendes', 'Meyer', 'Moreau', 'Murphy', 'Nakamura',
  'Nguyen', 'Novak', 'Okafor', 'Olsen', 'Park', 'Patel', 'Pereira', 'Petrov', 'Quinn', 'Ramos', 'Reyes', 'Rossi',
  'Sato', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Suzuki', 'Tanaka', 'Taylor', 'Torres', 'Turner', 'Varga', 'Walker',
  'Wang', 'Weber', 'Williams', 'Wong', 'Yamamoto', 'Yilmaz', 'Young', 'Zhang', 'Zielinski',
] as const;
