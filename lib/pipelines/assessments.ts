// The assessments pipeline (seed 004): an ed-tech service's assessment attempts, one nested JSON
// document each, flattened by a TypeScript step (a Lambda per batch of files in AWS, in-process
// locally) into attempt, question and option rows, staged with COPY and merged by key. Records
// that cannot be flattened are kept in assessment_rejects with their reason.
import { definePipeline } from './spec.ts';
import { noNulls, notEmpty, referencesExist, uniqueKey } from './checks.ts';

export const assessments = definePipeline({
  name: 'assessments',
  description: 'Assessment attempts flattened into attempts, questions and options for data scientists.',
  schema: 'assessments/create_tables.sql',
  sources: [],
  flattens: [
    {
      name: 'attempts',
      prefix: 'assessments/',
      flattener: 'assessments',
      staging: {
        assessments: 'staging_assessments',
        assessment_questions: 'staging_assessment_questions',
        assessment_options: 'staging_assessment_options',
        assessment_rejects: 'staging_assessment_rejects',
      },
    },
  ],
  steps: [
    { kind: 'sql', name: 'assessments', sql: 'assessments/assessments.sql', target: 'assessments', mode: 'idempotent' },
    { kind: 'sql', name: 'questions', sql: 'assessments/questions.sql', target: 'assessment_questions', mode: 'idempotent' },
    { kind: 'sql', name: 'options', sql: 'assessments/options.sql', target: 'assessment_options', mode: 'idempotent' },
    { kind: 'sql', name: 'rejects', sql: 'assessments/rejects.sql', target: 'assessment_rejects', mode: 'rebuild' },
  ],
  checks: [
    notEmpty('assessments'),
    uniqueKey('assessments', ['attempt_key']),
    uniqueKey('assessment_questions', ['question_key']),
    uniqueKey('assessment_options', ['question_key', 'position']),
    noNulls('assessments', ['attempt_key', 'keen_id', 'exam_name']),
    referencesExist('assessment_questions', 'attempt_key', 'assessments', 'attempt_key'),
    referencesExist('assessment_options', 'question_key', 'assessment_questions', 'question_key'),
  ],
  publish: [
    { name: 'most_common_exams', sql: 'assessments/queries/most_common_exams.sql', chart: { title: 'Attempts per exam (top 10)', kind: 'bar', x: 'exam_name', y: 'attempts' } },
    { name: 'score_distribution', sql: 'assessments/queries/score_distribution.sql', chart: { title: 'Score distribution', kind: 'bar', x: 'score_band', y: 'attempts' } },
  ],
  reportTables: ['assessments', 'assessment_questions', 'assessment_options', 'assessment_rejects'],
  schedule: 'cron(30 2 * * ? *)',
  sla: { maxDurationMinutes: 30, maxStalenessHours: 26 },
});
