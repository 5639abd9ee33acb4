-- test/bench/accuracy.sql - helpers of the accuracy harness (test/bench/accuracy.sh), created in
-- the schema accuracy of the throwaway database.  Not part of the extension.

CREATE SCHEMA accuracy;

-- One row per dataset (in display order) and per method (in column order).
CREATE TABLE accuracy.datasets (ord int PRIMARY KEY, name text NOT NULL UNIQUE, schema_name text NOT NULL);
CREATE TABLE accuracy.methods (ord int PRIMARY KEY, name text NOT NULL UNIQUE, sql text NOT NULL);
CREATE TABLE accuracy.results (
	dataset text NOT NULL,
	method text NOT NULL,
	n_eval bigint,				-- gold tasks with at least one judgment
	correct bigint,				-- of those, predicted label = gold label
	error text,					-- the error, when the method failed on the dataset
	PRIMARY KEY (dataset, method)
);

-- Score one method on one dataset.  The method's SQL yields (task, label) from the tables
-- judgments and gold of the dataset's schema.  Scoring (Crowd-Kit reference README, section 5):
-- the scored tasks are those with a gold label and at least one judgment; a task is correct when
-- the predicted label equals the gold label as a string; a task without a prediction (or with a
-- NULL one) is wrong.  A method that yields a task twice, or fails, is recorded with an error.
CREATE FUNCTION accuracy.score(dataset text, method text)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	ds_schema text;
	method_sql text;
	n bigint;
	ok bigint;
	dup bigint;
BEGIN
	SELECT schema_name INTO STRICT ds_schema FROM accuracy.datasets d WHERE d.name = dataset;
	SELECT sql INTO STRICT method_sql FROM accuracy.methods m WHERE m.name = method;
	BEGIN
		PERFORM pg_catalog.set_config('search_path', pg_catalog.quote_ident(ds_schema) || ', public', true);
		EXECUTE format($q$
			WITH pred AS MATERIALIZED (
				SELECT task::text AS task, label::text AS label FROM (%s) q(task, label)
			), scored AS (
				SELECT g.task, g.label AS gold
				FROM %2$I.gold g
				WHERE EXISTS (SELECT 1 FROM %2$I.judgments j WHERE j.task = g.task)
			)
			SELECT (SELECT count(*) FROM scored),
				   (SELECT count(*) FROM scored s JOIN pred p ON p.task = s.task AND p.label = s.gold),
				   (SELECT count(*) - count(DISTINCT task) FROM pred)$q$, method_sql, ds_schema)
			INTO n, ok, dup;
		IF dup > 0 THEN
			RAISE EXCEPTION 'the method yields % duplicate task rows', dup;
		END IF;
		INSERT INTO accuracy.results VALUES (dataset, method, n, ok, NULL);
	EXCEPTION WHEN OTHERS THEN
		INSERT INTO accuracy.results VALUES (dataset, method, NULL, NULL,
											 SQLSTATE || ': ' || SQLERRM);
	END;
	PERFORM pg_catalog.set_config('search_path', 'public', true);
END
$$;

-- The table datasets x methods, one cell per row, in display order: accuracy in percent with 2
-- decimals, ERR for a failure, '-' where a method has no output (e.g. no reference file); then the
-- mean over the datasets on which every method has a score.
CREATE FUNCTION accuracy.report(OUT dataset text, OUT n_eval text, OUT method text, OUT accuracy text)
RETURNS SETOF record LANGUAGE sql STABLE AS $$
	WITH grid AS (
		SELECT d.ord AS d_ord, d.name AS dataset, m.ord AS m_ord, m.name AS method, r.error,
			   CASE WHEN r.n_eval > 0 THEN 100.0 * r.correct / r.n_eval END AS pct,
			   (SELECT max(r2.n_eval) FROM accuracy.results r2 WHERE r2.dataset = d.name) AS n
		FROM accuracy.datasets d CROSS JOIN accuracy.methods m
		LEFT JOIN accuracy.results r ON r.dataset = d.name AND r.method = m.name
	), complete AS (
		SELECT dataset FROM grid GROUP BY dataset HAVING bool_and(pct IS NOT NULL)
	)
	SELECT dataset, n_eval, method, accuracy FROM (
		SELECT d_ord, m_ord, dataset, coalesce(n::text, '-') AS n_eval, method,
			   CASE WHEN error IS NOT NULL THEN 'ERR' WHEN pct IS NULL THEN '-'
					ELSE to_char(pct, 'FM990.00') END AS accuracy
		FROM grid
		UNION ALL
		SELECT 2147483647, m_ord, 'mean (' || (SELECT count(*) FROM complete) || ' datasets)', '',
			   method, coalesce(to_char(avg(pct) FILTER (WHERE dataset IN (SELECT dataset FROM complete)),
										'FM990.00'), '-')
		FROM grid GROUP BY m_ord, method
	) cells
	ORDER BY d_ord, m_ord
$$;
