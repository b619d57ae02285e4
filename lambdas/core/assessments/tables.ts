// The flat tables the assessments transform produces: their columns (Redshift types, nullability)
// in load order, and the row type of each table derived from those columns. DDL, COPY column lists
// and JSON-lines keys all come from ASSESSMENT_TABLES, so they cannot drift apart.
//
// Keys: assessments.attempt_key (the keen_id, or keen_id~n for the n-th different document under an
// already used keen_id, see flatten.ts); assessment_questions.question_key = attempt_key/position;
// options point to their question by question_key (and to their attempt by attempt_key).
// Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which Redshift and DuckDB both read.

export interface AssessmentColumn {
  readonly name: string;
  /** Redshift column type */
  readonly type: 'VARCHAR(32)' | 'VARCHAR(64)' | 'VARCHAR(80)' | 'VARCHAR(96)' | 'VARCHAR(1024)' | 'VARCHAR(65535)' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMP';
  readonly nullable: boolean;
}

export const ASSESSMENT_TABLES = {
  /** one row per attempt loaded */
  assessments: [
    { name: 'attempt_key', type: 'VARCHAR(80)', nullable: false },
    { name: 'keen_id', type: 'VARCHAR(64)', nullable: false },
    { name: 'keen_timestamp', type: 'TIMESTAMP', nullable: false },
    { name: 'keen_created_at', type: 'TIMESTAMP', nullable: true },
    { name: 'started_at', type: 'TIMESTAMP', nullable: false },
    { name: 'max_attempts', type: 'INTEGER', nullable: true },
    { name: 'base_exam_id', type: 'VARCHAR(64)', nullable: false },
    { name: 'user_exam_id', type: 'VARCHAR(64)', nullable: false },
    { name: 'exam_name', type: 'VARCHAR(1024)', nullable: false },
    { name: 'certification', type: 'BOOLEAN', nullable: true },
    /** sequences.id and sequences.attempt; null when the record has no sequences or they are absent */
    { name: 'sequence_id', type: 'VARCHAR(64)', nullable: true },
    { name: 'attempt', type: 'INTEGER', nullable: true },
    /** rows in assessment_questions for this attempt */
    { name: 'question_count', type: 'INTEGER', nullable: false },
    /** sequences.counts, null when the record has no counts (or lacks that field) */
    { name: 'correct', type: 'INTEGER', nullable: true },
    { name: 'incorrect', type: 'INTEGER', nullable: true },
    { name: 'unanswered', type: 'INTEGER', nullable: true },
    { name: 'total', type: 'INTEGER', nullable: true },
    { name: 'submitted', type: 'INTEGER', nullable: true },
    { name: 'incomplete', type: 'INTEGER', nullable: true },
    { name: 'all_correct', type: 'BOOLEAN', nullable: true },
  ],
  /** one row per element of sequences.questions */
  assessment_questions: [
    { name: 'attempt_key', type: 'VARCHAR(80)', nullable: false },
    { name: 'question_key', type: 'VARCHAR(96)', nullable: false },
    /** 1-based place of the question in sequences.questions */
    { name: 'position', type: 'INTEGER', nullable: false },
    { name: 'question_id', type: 'VARCHAR(64)', nullable: false },
    { name: 'user_correct', type: 'BOOLEAN', nullable: true },
    { name: 'user_incomplete', type: 'BOOLEAN', nullable: true },
    { name: 'user_submitted', type: 'BOOLEAN', nullable: true },
    { name: 'user_result', type: 'VARCHAR(32)', nullable: true },
    /** rows in assessment_options for this question */
    { name: 'option_count', type: 'INTEGER', nullable: false },
  ],
  /** one row per element of a question's options */
  assessment_options: [
    { name: 'question_key', type: 'VARCHAR(96)', nullable: false },
    { name: 'attempt_key', type: 'VARCHAR(80)', nullable: false },
    /** 1-based place of the option in its question's options */
    { name: 'position', type: 'INTEGER', nullable: false },
    { name: 'option_id', type: 'VARCHAR(64)', nullable: false },
    { name: 'checked', type: 'BOOLEAN', nullable: true },
    /** the source writes "correct": true on correct options only; absent (null) means not a correct option */
    { name: 'correct', type: 'BOOLEAN', nullable: true },
    /** the source's "submitted": 1 (0 or a boolean are read too) */
    { name: 'submitted', type: 'BOOLEAN', nullable: true },
    /** the source's "at" (the last click on the option); renamed because AT is a keyword in DuckDB */
    { name: 'clicked_at', type: 'TIMESTAMP', nullable: true },
  ],
  /** one row per input document that could not be flattened */
  assessment_rejects: [
    /** 0-based place of the document in the input (array element or non-blank line) */
    { name: 'source_index', type: 'INTEGER', nullable: false },
    /** the document's keen_id when it is a string of at most 64 characters */
    { name: 'keen_id', type: 'VARCHAR(64)', nullable: true },
    { name: 'reason_code', type: 'VARCHAR(32)', nullable: false },
    { name: 'reason', type: 'VARCHAR(1024)', nullable: false },
    /** the document's text (compact JSON, or the line as read when it is not JSON), cut to 65,535 UTF-8 bytes */
    { name: 'raw', type: 'VARCHAR(65535)', nullable: false },
    { name: 'raw_truncated', type: 'BOOLEAN', nullable: false },
  ],
} as const satisfies Record<string, readonly AssessmentColumn[]>;

export type AssessmentTable = keyof typeof ASSESSMENT_TABLES;

export const ASSESSMENT_TABLE_NAMES = Object.keys(ASSESSMENT_TABLES) as AssessmentTable[];

type ValueOf<C extends AssessmentColumn> = C['type'] extends 'BOOLEAN' ? boolean : C['type'] extends 'INTEGER' ? number : string;

type RowOf<Columns extends readonly AssessmentColumn[]> = {
  -readonly [C in Columns[number] as C['name']]: C['nullable'] extends true ? ValueOf<C> | null : ValueOf<C>;
};

/** A row of `table`: one property per column, in column order, null for absent values. */
export type AssessmentRow<T extends AssessmentTable> = RowOf<(typeof ASSESSMENT_TABLES)[T]>;

/** Why a document was rejected. */
export type RejectCode = 'invalid_utf8' | 'invalid_json' | 'not_an_object' | 'missing_field' | 'invalid_type' | 'invalid_value';
