import { describe, expect, it } from 'vitest';
import { copySpecSchema, type CopySpecInput } from '../../../lambdas/core/copy-spec.ts';
import { renderCopySql } from '../../../lambdas/core/copy-sql.ts';

const render = (input: CopySpecInput, staging = false) => renderCopySql(copySpecSchema.parse(input), { staging });

describe('renderCopySql', () => {
  it('renders a JSON COPY with a jsonpaths file and every conversion option', () => {
    const sql = render({
      table: 'staging_events',
      from: 's3://bkt/log_data/2018/11/',
      format: { kind: 'json', paths: 's3://bkt/log_json_path.json' },
      iamRole: 'arn:aws:iam::123456789012:role/redline-copy',
      timeFormat: 'epochmillisecs',
      blanksAsNull: true,
      emptyAsNull: true,
      maxError: 10,
      region: 'us-west-2',
      gzip: true,
    });
    expect(sql).toBe(
      "COPY staging_events FROM 's3://bkt/log_data/2018/11/' IAM_ROLE 'arn:aws:iam::123456789012:role/redline-copy' " +
        "FORMAT AS JSON 's3://bkt/log_json_path.json' TIMEFORMAT 'epochmillisecs' BLANKSASNULL EMPTYASNULL " +
        "MAXERROR 10 REGION 'us-west-2' GZIP",
    );
  });

  it("uses IAM_ROLE default, JSON 'auto' and the defaults when nothing else is given", () => {
    const auto = { kind: 'json', paths: 'auto' } as const;
    const sql = render({ table: 'staging_songs', from: 's3://bkt/song_data/', format: auto });
    expect(sql).toBe(
      "COPY staging_songs FROM 's3://bkt/song_data/' IAM_ROLE default FORMAT AS JSON 'auto' TIMEFORMAT 'auto' " +
        'MAXERROR 0',
    );
  });

  it('renders a column list, MANIFEST, CSV with DELIMITER and IGNOREHEADER, and the staging tuning', () => {
    const sql = render(
      {
        table: 'staging_users',
        columns: ['user_id', 'first_name'],
        from: 's3://bkt/manifests/users.manifest',
        manifest: true,
        format: { kind: 'csv', ignoreHeader: 1, delimiter: ',' },
      },
      true,
    );
    expect(sql).toBe(
      "COPY staging_users (user_id, first_name) FROM 's3://bkt/manifests/users.manifest' IAM_ROLE default MANIFEST " +
        "FORMAT AS CSV DELIMITER ',' IGNOREHEADER 1 TIMEFORMAT 'auto' MAXERROR 0 COMPUPDATE OFF STATUPDATE OFF",
    );
  });

  it('leaves IGNOREHEADER out when no header lines are skipped and writes a tab delimiter as \\t', () => {
    const sql = render({ table: 't', from: 's3://bkt/x/', format: { kind: 'csv', delimiter: '\t' } });
    expect(sql).toContain("FORMAT AS CSV DELIMITER '\\t' TIMEFORMAT");
    expect(sql).not.toContain('IGNOREHEADER');
  });

  it('doubles single quotes and backslashes inside literals', () => {
    const sql = render({
      table: 't',
      from: "s3://bkt/it's/a\\b/",
      format: { kind: 'csv', delimiter: "'" },
      iamRole: "arn:aws:iam::1:role/o'brien",
      timeFormat: "YYYY-MM-DD'T'HH:MI:SS",
    });
    expect(sql).toContain("FROM 's3://bkt/it''s/a\\\\b/'");
    expect(sql).toContain("IAM_ROLE 'arn:aws:iam::1:role/o''brien'");
    expect(sql).toContain("DELIMITER ''''");
    expect(sql).toContain("TIMEFORMAT 'YYYY-MM-DD''T''HH:MI:SS'");
  });

  it('quotes identifiers that are not plain lower-case names even if a caller skipped the schema', () => {
    const spec = copySpecSchema.parse({ table: 't', from: 's3://bkt/x/', format: { kind: 'json', paths: 'auto' } });
    expect(renderCopySql({ ...spec, table: 'Odd"Name', columns: ['a b'] })).toMatch(/^COPY "Odd""Name" \("a b"\) FROM/);
  });
});
