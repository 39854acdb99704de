/**
 * Churn risk reads: the risk model in use (the newest fitted for the live model version), its
 * horizon setting, what the last fit attempt said, and an account's risk with its reasons.
 */
import { riskProbability, riskReasons, type DecileRow, type HeldOutMetrics, type RiskCalibration, type RiskFeature, type RiskModel, type RiskReason } from '@/lib/analytics/risk';
import { hasKey } from '@/lib/dict';
import type { Model } from '@/lib/scoring';
import type { Store } from '@/lib/server/store';

export const DEFAULT_RISK_HORIZON = 90;
export const MIN_RISK_HORIZON = 30;
export const MAX_RISK_HORIZON = 365;
/** Distinct accounts of each kind the training part needs: fewer and the fit says why instead. */
export const MIN_CHURNED = 20;
export const MIN_RETAINED = 20;

export const RISK_HORIZON_SETTING = 'risk.horizonDays';
export const RISK_STATUS_SETTING = 'risk.status';

/** The key of the score-change feature (dimension keys are the model's own). */
export const SCORE_CHANGE = 'scoreChange';

/** The features of a risk model for the live model: its dimension scores and the score change over a window. */
export function riskFeaturesOf(model: Model): RiskFeature[] {
  return [
    ...model.dimensions.map((d): RiskFeature => ({ key: d.key, label: d.label, kind: 'score' })),
    { key: SCORE_CHANGE, label: `Score change over ${model.windowDays} days`, kind: 'change' },
  ];
}

/** One account's feature values: its dimension scores (by key) and its score change. */
export function featureVector(features: readonly RiskFeature[], dimensions: Readonly<Record<string, number | null>>, scoreChange: number | null): (number | null)[] {
  return features.map((f) => (f.kind === 'change' ? scoreChange : hasKey(dimensions, f.key) ? (dimensions[f.key] ?? null) : null));
}

export interface StoredRiskModel extends RiskModel {
  id: number;
  modelVersion: number;
  horizonDays: number;
  fittedAt: number;
  samples: number;
  accounts: number;
  churned: number;
  training: { dates: string[]; samples: number; churned: number };
  heldOut: HeldOutMetrics & { dates: string[] };
}

interface RiskRow {
  pk: number; model_version: number; horizon_days: number; fitted_at: number; features: string; coefficients: string; intercept: number; means: string;
  calibration: string; samples: number; accounts: number; churned: number; training: string; held_out: string;
}

function toStored(r: RiskRow): StoredRiskModel {
  return {
    id: r.pk,
    modelVersion: r.model_version,
    horizonDays: r.horizon_days,
    fittedAt: r.fitted_at,
    features: JSON.parse(r.features) as RiskFeature[],
    coefficients: JSON.parse(r.coefficients) as number[],
    intercept: r.intercept,
    means: JSON.parse(r.means) as number[],
    calibration: JSON.parse(r.calibration) as RiskCalibration,
    samples: r.samples,
    accounts: r.accounts,
    churned: r.churned,
    training: JSON.parse(r.training) as StoredRiskModel['training'],
    heldOut: JSON.parse(r.held_out) as StoredRiskModel['heldOut'],
  };
}

// Rows never change once written: parsed once per process, known by their pk and fit time.
const parsed = new Map<string, StoredRiskModel>();

/** The risk model in use for a model version (default: the live one), or null when none was fitted for it. */
export async function currentRiskModel(db: Store, modelVersion?: number): Promise<StoredRiskModel | null> {
  const version = modelVersion ?? (await db.value<number | null>('SELECT max(version) FROM model_versions')) ?? null;
  if (version === null) return null;
  const head = await db.get<{ pk: number; fitted_at: number }>('SELECT pk, fitted_at FROM risk_models WHERE model_version = ? ORDER BY pk DESC LIMIT 1', [version]);
  if (!head) return null;
  const key = `${head.pk}@${head.fitted_at}`;
  const cached = parsed.get(key);
  if (cached) return cached;
  const row = (await db.get<RiskRow>('SELECT * FROM risk_models WHERE pk = ?', [head.pk]))!;
  if (parsed.size > 50) parsed.clear();
  const model = toStored(row);
  parsed.set(key, model);
  return model;
}

export async function riskHorizon(db: Store): Promise<number> {
  const raw = await db.value<string | null>('SELECT value FROM settings WHERE key = ?', [RISK_HORIZON_SETTING]);
  const n = raw === undefined || raw === null ? NaN : Number(JSON.parse(raw));
  return Number.isInteger(n) && n >= MIN_RISK_HORIZON && n <= MAX_RISK_HORIZON ? n : DEFAULT_RISK_HORIZON;
}

/** What the last fit attempt said: fitted, or why not (e.g. too few outcomes). */
export interface RiskStatus {
  at: number;
  fitted: boolean;
  message: string;
  horizonDays: number;
  churned: number;
  retained: number;
}

export async function riskStatus(db: Store): Promise<RiskStatus | null> {
  const raw = await db.value<string | null>('SELECT value FROM settings WHERE key = ?', [RISK_STATUS_SETTING]);
  return raw ? (JSON.parse(raw) as RiskStatus) : null;
}

/** An account's churn risk as the API and the account page give it. */
export interface ChurnRisk {
  probability: number;
  horizonDays: number;
  model: { id: number; modelVersion: number; fittedAt: string; accounts: number; samples: number; heldOutAuc: number | null; heldOutBrier: number | null; calibration: RiskCalibration['method'] };
  reasons: RiskReason[];
}

export function churnRiskOf(risk: StoredRiskModel, dimensions: Readonly<Record<string, number | null>>, scoreChange: number | null): ChurnRisk {
  const x = featureVector(risk.features, dimensions, scoreChange);
  return {
    probability: Math.round(riskProbability(risk, x) * 10_000) / 10_000,
    horizonDays: risk.horizonDays,
    model: {
      id: risk.id,
      modelVersion: risk.modelVersion,
      fittedAt: new Date(risk.fittedAt).toISOString(),
      accounts: risk.accounts,
      samples: risk.samples,
      heldOutAuc: risk.heldOut.auc,
      heldOutBrier: risk.heldOut.brier,
      calibration: risk.calibration.method,
    },
    reasons: riskReasons(risk, x),
  };
}

/** What the Cohorts page shows of the risk model: its held-out figures, or why there is none. */
export interface RiskOverview {
  horizonDays: number;
  status: RiskStatus | null;
  model: {
    id: number; modelVersion: number; horizonDays: number; fittedAt: string; accounts: number; samples: number; churned: number;
    calibration: RiskCalibration; features: { key: string; label: string; coefficient: number; typical: number }[];
    training: StoredRiskModel['training']; heldOut: StoredRiskModel['heldOut'];
  } | null;
  minimum: { churned: number; retained: number };
}

export async function riskOverview(db: Store): Promise<RiskOverview> {
  const [risk, horizonDays, status] = await Promise.all([currentRiskModel(db), riskHorizon(db), riskStatus(db)]);
  return {
    horizonDays,
    status,
    minimum: { churned: MIN_CHURNED, retained: MIN_RETAINED },
    model: risk && {
      id: risk.id,
      modelVersion: risk.modelVersion,
      horizonDays: risk.horizonDays,
      fittedAt: new Date(risk.fittedAt).toISOString(),
      accounts: risk.accounts,
      samples: risk.samples,
      churned: risk.churned,
      calibration: risk.calibration,
      features: risk.features.map((f, j) => ({ key: f.key, label: f.label, coefficient: risk.coefficients[j]!, typical: Math.round(risk.means[j]! * 10) / 10 })),
      training: risk.training,
      heldOut: risk.heldOut,
    },
  };
}

export type { DecileRow };
