/**
 * Who may use what: every page, UI route, server action and public API route, with the least role
 * or API key scope it requires. A unit test checks this table against the code (every file is in
 * it, with the role the code checks); an end-to-end test walks it as anonymous, CSM, manager and
 * admin, and with API keys of each scope.
 */
import type { Role } from './roles';

export type Scope = 'read' | 'ingest' | 'admin';

export interface PageAccess {
  /** the route pattern, as in the app folder (groups left out) */
  route: string;
  /** a concrete path to try (dynamic segments filled in) */
  path: string;
  minRole: Role | 'anyone';
}

export interface RouteAccess {
  route: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  /** `session:<role>` for routes the signed-in UI calls, `key:<scope>` for the public API, `metrics-token` (TRELLIS_METRICS_TOKEN), `anyone` */
  guard: `session:${Role}` | `key:${Scope}` | 'anyone' | 'segment-key' | 'metrics-token';
}

export interface ActionAccess {
  /** the actions file, relative to the project */
  file: string;
  name: string;
  minRole: Role;
}

export const PAGES: PageAccess[] = [
  { route: '/login', path: '/login', minRole: 'anyone' },
  { route: '/my-day', path: '/my-day', minRole: 'csm' },
  { route: '/accounts', path: '/accounts', minRole: 'csm' },
  { route: '/accounts/[id]', path: '/accounts/ACC-000001', minRole: 'csm' },
  { route: '/alerts', path: '/alerts', minRole: 'csm' },
  { route: '/trends', path: '/trends', minRole: 'manager' },
  { route: '/cohorts', path: '/cohorts', minRole: 'manager' },
  { route: '/experiments', path: '/experiments', minRole: 'csm' },
  { route: '/experiments/[id]', path: '/experiments/1', minRole: 'csm' },
  { route: '/admin/model', path: '/admin/model', minRole: 'admin' },
  { route: '/admin/cadence', path: '/admin/cadence', minRole: 'manager' },
  { route: '/admin/playbooks', path: '/admin/playbooks', minRole: 'manager' },
  { route: '/admin/triggers', path: '/admin/triggers', minRole: 'admin' },
  { route: '/admin/users', path: '/admin/users', minRole: 'admin' },
  { route: '/admin/api-keys', path: '/admin/api-keys', minRole: 'admin' },
  { route: '/admin/api', path: '/admin/api', minRole: 'admin' },
  { route: '/admin/import', path: '/admin/import', minRole: 'admin' },
  { route: '/admin/webhooks', path: '/admin/webhooks', minRole: 'admin' },
  { route: '/admin/audit', path: '/admin/audit', minRole: 'admin' },
];

export const ROUTES: RouteAccess[] = [
  { route: '/api/health', method: 'GET', path: '/api/health', guard: 'anyone' },
  { route: '/api/metrics', method: 'GET', path: '/api/metrics', guard: 'metrics-token' },
  { route: '/api/v1/openapi.json', method: 'GET', path: '/api/v1/openapi.json', guard: 'anyone' },
  { route: '/api/app/accounts', method: 'GET', path: '/api/app/accounts', guard: 'session:csm' },
  { route: '/api/app/accounts/export', method: 'GET', path: '/api/app/accounts/export', guard: 'session:csm' },
  { route: '/api/app/accounts/[id]', method: 'GET', path: '/api/app/accounts/ACC-000001', guard: 'session:csm' },
  { route: '/api/app/accounts/[id]/timeline', method: 'GET', path: '/api/app/accounts/ACC-000001/timeline', guard: 'session:csm' },
  { route: '/api/app/alerts', method: 'GET', path: '/api/app/alerts', guard: 'session:csm' },
  { route: '/api/app/my-day', method: 'GET', path: '/api/app/my-day', guard: 'session:csm' },
  { route: '/api/app/trends', method: 'GET', path: '/api/app/trends', guard: 'session:manager' },
  { route: '/api/app/cohorts', method: 'GET', path: '/api/app/cohorts', guard: 'session:manager' },
  { route: '/api/app/cohorts/companions', method: 'GET', path: '/api/app/cohorts/companions', guard: 'session:manager' },
  { route: '/api/app/cohorts/metric', method: 'GET', path: '/api/app/cohorts/metric', guard: 'session:manager' },
  { route: '/api/app/cohorts/risk', method: 'GET', path: '/api/app/cohorts/risk', guard: 'session:manager' },
  { route: '/api/app/jobs/[pk]', method: 'GET', path: '/api/app/jobs/1', guard: 'session:admin' },
  { route: '/api/app/model/preview', method: 'POST', path: '/api/app/model/preview', guard: 'session:admin' },
  { route: '/api/app/model/suggest', method: 'POST', path: '/api/app/model/suggest', guard: 'session:admin' },
  { route: '/api/app/imports', method: 'POST', path: '/api/app/imports', guard: 'session:admin' },
  { route: '/api/app/imports/[token]', method: 'GET', path: '/api/app/imports/not-a-token', guard: 'session:admin' },
  { route: '/api/app/imports/[token]/check', method: 'POST', path: '/api/app/imports/not-a-token/check', guard: 'session:admin' },
  { route: '/api/app/imports/[token]/run', method: 'POST', path: '/api/app/imports/not-a-token/run', guard: 'session:admin' },
  { route: '/api/app/imports/runs/[pk]/report', method: 'GET', path: '/api/app/imports/runs/1/report', guard: 'session:admin' },
  { route: '/api/v1/accounts', method: 'GET', path: '/api/v1/accounts', guard: 'key:read' },
  { route: '/api/v1/accounts', method: 'POST', path: '/api/v1/accounts', guard: 'key:ingest' },
  { route: '/api/v1/accounts/[id]', method: 'GET', path: '/api/v1/accounts/ACC-000001', guard: 'key:read' },
  { route: '/api/v1/accounts/[id]/history', method: 'GET', path: '/api/v1/accounts/ACC-000001/history', guard: 'key:read' },
  { route: '/api/v1/contacts', method: 'POST', path: '/api/v1/contacts', guard: 'key:ingest' },
  { route: '/api/v1/events', method: 'POST', path: '/api/v1/events', guard: 'key:ingest' },
  { route: '/api/v1/outcomes', method: 'POST', path: '/api/v1/outcomes', guard: 'key:ingest' },
  { route: '/api/v1/model', method: 'GET', path: '/api/v1/model', guard: 'key:read' },
  { route: '/api/v1/model', method: 'PUT', path: '/api/v1/model', guard: 'key:admin' },
  { route: '/api/v1/model/preview', method: 'POST', path: '/api/v1/model/preview', guard: 'key:admin' },
  { route: '/api/v1/model/suggest', method: 'POST', path: '/api/v1/model/suggest', guard: 'key:admin' },
  { route: '/api/v1/cohorts', method: 'GET', path: '/api/v1/cohorts', guard: 'key:read' },
  { route: '/api/v1/cohorts/metric', method: 'GET', path: '/api/v1/cohorts/metric', guard: 'key:read' },
  { route: '/api/v1/jobs/[id]', method: 'GET', path: '/api/v1/jobs/1', guard: 'key:read' },
  { route: '/api/v1/tasks', method: 'GET', path: '/api/v1/tasks', guard: 'key:read' },
  { route: '/api/v1/tasks/[id]', method: 'PATCH', path: '/api/v1/tasks/1', guard: 'key:ingest' },
  { route: '/api/v1/experiments', method: 'GET', path: '/api/v1/experiments', guard: 'key:read' },
  { route: '/api/v1/experiments', method: 'POST', path: '/api/v1/experiments', guard: 'key:admin' },
  { route: '/api/v1/experiments/[id]', method: 'GET', path: '/api/v1/experiments/1', guard: 'key:read' },
  { route: '/api/v1/experiments/[id]/assignments', method: 'GET', path: '/api/v1/experiments/1/assignments', guard: 'key:read' },
  { route: '/api/v1/experiments/[id]/report', method: 'GET', path: '/api/v1/experiments/1/report', guard: 'key:read' },
  { route: '/api/v1/experiments/[id]/stop', method: 'POST', path: '/api/v1/experiments/1/stop', guard: 'key:admin' },
  { route: '/api/v1/triggers', method: 'GET', path: '/api/v1/triggers', guard: 'key:read' },
  { route: '/api/v1/triggers', method: 'POST', path: '/api/v1/triggers', guard: 'key:admin' },
  { route: '/api/v1/features', method: 'GET', path: '/api/v1/features', guard: 'key:read' },
  { route: '/api/v1/features', method: 'POST', path: '/api/v1/features', guard: 'key:admin' },
  { route: '/api/v1/trigger-aliases', method: 'GET', path: '/api/v1/trigger-aliases', guard: 'key:read' },
  { route: '/api/v1/trigger-aliases', method: 'POST', path: '/api/v1/trigger-aliases', guard: 'key:admin' },
  { route: '/api/segment/v1/[call]', method: 'POST', path: '/api/segment/v1/track', guard: 'segment-key' },
];

export const ACTIONS: ActionAccess[] = [
  { file: 'app/(dashboard)/accounts/actions.ts', name: 'createOverrideAction', minRole: 'csm' },
  { file: 'app/(dashboard)/accounts/actions.ts', name: 'revokeOverrideAction', minRole: 'csm' },
  { file: 'app/(dashboard)/accounts/[id]/actions.ts', name: 'logTouchpointAction', minRole: 'csm' },
  { file: 'app/(dashboard)/accounts/[id]/actions.ts', name: 'addTaskAction', minRole: 'csm' },
  { file: 'app/(dashboard)/alerts/actions.ts', name: 'acknowledgeAlertAction', minRole: 'csm' },
  { file: 'app/(dashboard)/cohorts/actions.ts', name: 'refitRiskAction', minRole: 'admin' },
  { file: 'app/(dashboard)/cohorts/actions.ts', name: 'setRiskHorizonAction', minRole: 'admin' },
  { file: 'app/(dashboard)/experiments/actions.ts', name: 'createExperimentAction', minRole: 'manager' },
  { file: 'app/(dashboard)/experiments/actions.ts', name: 'previewPopulationAction', minRole: 'manager' },
  { file: 'app/(dashboard)/experiments/actions.ts', name: 'stopExperimentAction', minRole: 'manager' },
  { file: 'app/(dashboard)/alerts/actions.ts', name: 'snoozeAlertAction', minRole: 'csm' },
  { file: 'app/(dashboard)/alerts/actions.ts', name: 'reopenAlertAction', minRole: 'csm' },
  { file: 'app/(dashboard)/my-day/actions.ts', name: 'completeTaskAction', minRole: 'csm' },
  { file: 'app/(dashboard)/my-day/actions.ts', name: 'snoozeTaskAction', minRole: 'csm' },
  { file: 'app/(dashboard)/my-day/actions.ts', name: 'addTaskNoteAction', minRole: 'csm' },
  { file: 'app/(dashboard)/my-day/actions.ts', name: 'reassignTaskAction', minRole: 'manager' },
  { file: 'app/(dashboard)/my-day/actions.ts', name: 'setMyDayBudgetAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/users/actions.ts', name: 'createUserAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/users/actions.ts', name: 'updateUserAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/api-keys/actions.ts', name: 'createApiKeyAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/api-keys/actions.ts', name: 'revokeApiKeyAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/webhooks/actions.ts', name: 'createWebhookAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/webhooks/actions.ts', name: 'deleteWebhookAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/alias-actions.ts', name: 'addAliasAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/alias-actions.ts', name: 'removeAliasAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/model/actions.ts', name: 'discardDraftAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/model/actions.ts', name: 'publishAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/model/actions.ts', name: 'rollbackAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/model/actions.ts', name: 'saveDraftAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/model/actions.ts', name: 'suggestWeightsAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'createFeatureAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'createTriggerAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'renameTriggerAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'restoreFeatureAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'restoreTriggerAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'retireFeatureAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'retireTriggerAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/triggers/catalogue-actions.ts', name: 'updateFeatureAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/cadence/actions.ts', name: 'publishCadenceAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/playbooks/actions.ts', name: 'savePlaybookAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/playbooks/actions.ts', name: 'setPlaybookActiveAction', minRole: 'admin' },
  { file: 'app/(dashboard)/admin/playbooks/actions.ts', name: 'runPlaybooksNowAction', minRole: 'admin' },
];
