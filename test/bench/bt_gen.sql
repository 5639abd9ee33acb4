-- test/bench/bt_gen.sql - deterministic synthetic side-by-side comparisons
-- for the bt_rank benchmark and accuracy scripts (no randomness: every value
-- is a hash of (seed, row, purpose), so every run builds the same tables).
--
--   bt_u(seed, i, k)      uniform in (0, 1)
--   bt_truth(seed, i)     true score of item i: standard normal (Box-Muller)
--   bt_generate(name, seed, items, comparisons, nu, workers, spammers)
--       creates table <name>(k, l, r, w, worker): pairs drawn uniformly among
--       `items` items; outcome by the Bradley-Terry-Davidson model with tie
--       parameter nu (0: no ties; winner NULL = tie); worker = 1 + k % workers;
--       the first `spammers` workers answer at random (left 45%, right 45%,
--       tie 10% when nu > 0) instead of by the model.
-- Everything is created in pg_temp, so it disappears with the session.

CREATE FUNCTION pg_temp.bt_u(seed bigint, i bigint, k int) RETURNS float8
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
	$$ SELECT ((hashint8extended(i, seed * 1000 + k) & 2147483647)::float8 + 0.5) / 2147483648.0 $$;

CREATE FUNCTION pg_temp.bt_truth(seed bigint, i bigint) RETURNS float8
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
	$$ SELECT sqrt(-2 * ln(pg_temp.bt_u(seed, i, 1))) * cos(2 * pi() * pg_temp.bt_u(seed, i, 2)) $$;

CREATE FUNCTION pg_temp.bt_generate(name text, seed bigint, items int, comparisons int,
		nu float8 DEFAULT 0, workers int DEFAULT 1, spammers int DEFAULT 0) RETURNS void
	LANGUAGE plpgsql AS $fn$
BEGIN
	EXECUTE format($q$
		CREATE TABLE %I AS
		WITH t AS (
			SELECT i, pg_temp.bt_truth(%2$s, i) AS theta FROM generate_series(1, %3$s) i
		), p AS (
			SELECT k, 1 + floor(pg_temp.bt_u(%2$s, k, 11) * %3$s)::bigint AS l,
				   1 + floor(pg_temp.bt_u(%2$s, k, 12) * (%3$s - 1))::bigint AS r0,
				   pg_temp.bt_u(%2$s, k, 13) AS u, 1 + k %% %6$s AS worker
			FROM generate_series(1, %4$s) k
		), q AS (
			SELECT p.k, p.l, CASE WHEN p.r0 >= p.l THEN p.r0 + 1 ELSE p.r0 END AS r, p.u, p.worker
			FROM p
		), d AS (
			SELECT q.*, exp(tl.theta) AS el, exp(tr.theta) AS er, %5$s * exp((tl.theta + tr.theta) / 2) AS et
			FROM q JOIN t tl ON tl.i = q.l JOIN t tr ON tr.i = q.r
		)
		SELECT k, l, r,
			   CASE WHEN worker <= %7$s THEN
						CASE WHEN u < 0.45 THEN l WHEN u < 0.9 OR %5$s = 0 THEN r END
					WHEN u < el / (el + er + et) THEN l
					WHEN u < (el + et) / (el + er + et) THEN NULL
					ELSE r END AS w,
			   worker::bigint AS worker
		FROM d
	$q$, name, seed, items, comparisons, nu, workers, spammers);
	EXECUTE format('ANALYZE %I', name);
END $fn$;

-- the true scores of a generated table's items
CREATE FUNCTION pg_temp.bt_truth_table(seed bigint, items int)
	RETURNS TABLE (item text, theta float8) LANGUAGE sql AS
	$$ SELECT i::text, pg_temp.bt_truth(seed, i) FROM generate_series(1, items) i $$;
