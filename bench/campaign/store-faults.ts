import pg from 'pg';

/** The write points after Graph answered where one statement is made to fail. */
export const STORE_FAULT_POINTS = ['idempotency answer', 'review', 'outcome'] as const;
export type StoreFaultPoint = (typeof STORE_FAULT_POINTS)[number];

/**
 * Statements that fail at chosen write points of the proxy's PostgreSQL store, as a dropped
 * connection would (SQLSTATE 08006): the answer kept for an `Idempotency-Key`, a review (an approval
 * turning `approved`), an `outcome` entry. Triggers count with sequences, which a rolled-back
 * transaction does not undo, so "fail the next N" holds across the failures it causes.
 */
export async function installStoreFaults(url: string, schema: string) {
  // A connection per use: the campaign restarts PostgreSQL in between.
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    client.on('error', () => {});
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => {});
    }
  };
  const sequence = (point: StoreFaultPoint) => `campaign_fault_${point.replace(' ', '_')}`;
  await withClient((client) =>
    client.query(`
    CREATE TABLE campaign_faults (point TEXT PRIMARY KEY, fail_first INTEGER NOT NULL);
    ${STORE_FAULT_POINTS.map((point) => `CREATE SEQUENCE ${sequence(point)};`).join('\n')}
    CREATE FUNCTION campaign_fault() RETURNS trigger AS $$
    DECLARE
      armed INTEGER;
    BEGIN
      SELECT fail_first INTO armed FROM campaign_faults WHERE point = TG_ARGV[0];
      IF armed IS NOT NULL AND nextval(('campaign_fault_' || replace(TG_ARGV[0], ' ', '_'))::regclass) <= armed THEN
        RAISE EXCEPTION 'campaign fault: % (a dropped connection)', TG_ARGV[0] USING ERRCODE = '08006';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    CREATE TRIGGER campaign_fault_idempotency BEFORE UPDATE OF answer ON idempotency_keys
      FOR EACH ROW WHEN (NEW.answer IS NOT NULL) EXECUTE FUNCTION campaign_fault('idempotency answer');
    CREATE TRIGGER campaign_fault_review BEFORE UPDATE ON approvals
      FOR EACH ROW WHEN (OLD.state = 'pending' AND NEW.state = 'approved') EXECUTE FUNCTION campaign_fault('review');
    CREATE TRIGGER campaign_fault_outcome BEFORE INSERT ON audit
      FOR EACH ROW WHEN ((NEW.entry::jsonb) ->> 'action' = 'outcome') EXECUTE FUNCTION campaign_fault('outcome');
  `),
  );
  return {
    /** The next `count` writes at each point fail. */
    arm(count: number): Promise<void> {
      return withClient(async (client) => {
        for (const point of STORE_FAULT_POINTS) {
          await client.query(`SELECT setval('${sequence(point)}', 1, false)`);
          await client.query(
            'INSERT INTO campaign_faults (point, fail_first) VALUES ($1, $2) ON CONFLICT (point) DO UPDATE SET fail_first = $2',
            [point, count],
          );
        }
      });
    },
    /** How many writes failed at each point (at most what was armed). */
    fired(): Promise<Record<StoreFaultPoint, number>> {
      return withClient(async (client) => {
        const fired = {} as Record<StoreFaultPoint, number>;
        for (const point of STORE_FAULT_POINTS) {
          const armed = await client.query<{ fail_first: number }>(
            'SELECT fail_first FROM campaign_faults WHERE point = $1',
            [point],
          );
          const hits = await client.query<{ last_value: string; is_called: boolean }>(
            `SELECT last_value, is_called FROM ${sequence(point)}`,
          );
          const hit = hits.rows[0]!.is_called ? Number(hits.rows[0]!.last_value) : 0;
          fired[point] = Math.min(hit, armed.rows[0]?.fail_first ?? 0);
        }
        return fired;
      });
    },
  };
}
