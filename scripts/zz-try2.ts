import { openDatabase } from '@/db/open';
import { cohortAnalysis, cohortDefaults, companionMetrics } from '@/lib/server/queries/cohorts';
const db = openDatabase(process.argv[2]!);
const d = cohortDefaults(db);
for (let i = 0; i < 3; i++) {
  let t0 = performance.now();
  cohortAnalysis(db, d);
  const a = performance.now() - t0;
  t0 = performance.now();
  companionMetrics(db, d);
  console.log(a.toFixed(1), (performance.now() - t0).toFixed(1));
}
