-- worker_skill on every bundled dataset's gold: the counts and posterior
-- mean agree with a direct SQL computation, the bounds are the exact Beta
-- quantiles, the per-class version adds up to the overall one, and the
-- parallel plan gives the same estimates.
SET extra_float_digits = 0;
SET search_path = public, labeling;
CREATE TABLE sk_judgments (dataset text, task text, worker text, label text);
CREATE TABLE sk_gold (dataset text, task text, label text);
CREATE TABLE sk_load (task text, worker text, label text);
CREATE TABLE sk_gold_load (task text, label text);
\copy sk_load FROM 'test/data/act-cf/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-cf', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-cf/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-cf', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/act-cf-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-cf-amt', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-cf-amt/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-cf-amt', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/act-ms/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-ms', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-ms/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-ms', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/act-sp/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-sp', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-sp/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-sp', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/act-sp-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-sp-amt', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-sp-amt/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-sp-amt', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/act-zencrowd-all/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-zencrowd-all', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-zencrowd-all/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-zencrowd-all', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/act-zencrowd-in/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-zencrowd-in', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-zencrowd-in/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-zencrowd-in', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/act-zencrowd-us/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'act-zencrowd-us', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/act-zencrowd-us/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'act-zencrowd-us', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/gal-adult2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'gal-adult2', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/gal-adult2/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'gal-adult2', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/gal-adultcontent2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'gal-adultcontent2', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/gal-adultcontent2/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'gal-adultcontent2', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/gal-hitspam-crowdflower/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'gal-hitspam-crowdflower', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/gal-hitspam-crowdflower/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'gal-hitspam-crowdflower', * FROM sk_gold_load; TRUNCATE sk_gold_load;
\copy sk_load FROM 'test/data/welinder-bluebird/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_judgments SELECT 'welinder-bluebird', * FROM sk_load; TRUNCATE sk_load;
\copy sk_gold_load FROM 'test/data/welinder-bluebird/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO sk_gold SELECT 'welinder-bluebird', * FROM sk_gold_load; TRUNCATE sk_gold_load;
ANALYZE sk_judgments;
ANALYZE sk_gold;

-- ours, per (dataset, worker), over the judgments of gold tasks (a LEFT JOIN:
-- rows of tasks without gold have a NULL golden label and are skipped)
CREATE TABLE sk_ours AS
SELECT j.dataset, j.worker, worker_skill(j.label, g.label) AS s,
	   worker_skill(j.label, g.label, 2, 1) AS sp,
	   worker_class_skill(j.label, g.label) AS c
FROM sk_judgments j
LEFT JOIN sk_gold g ON g.dataset = j.dataset AND g.task = j.task
GROUP BY j.dataset, j.worker;

-- direct SQL: n, correct and the posterior means (c + 1) / (n + 2) and
-- (c + 2) / (n + 3)
CREATE TABLE sk_direct AS
SELECT j.dataset, j.worker, count(*) AS n, count(*) FILTER (WHERE j.label = g.label) AS c,
	   (count(*) FILTER (WHERE j.label = g.label) + 1.0) / (count(*) + 2.0) AS mean,
	   (count(*) FILTER (WHERE j.label = g.label) + 2.0) / (count(*) + 3.0) AS mean_prior
FROM sk_judgments j JOIN sk_gold g ON g.dataset = j.dataset AND g.task = j.task
GROUP BY j.dataset, j.worker;

SELECT o.dataset,
	   count(*) AS workers,
	   count(d.worker) AS with_gold,
	   count(*) FILTER (WHERE o.s IS NULL) AS without_gold,
	   sum(d.n) AS gold_answers,
	   count(*) FILTER (WHERE (o.s).n_answered = d.n AND (o.s).n_correct = d.c
							AND abs((o.s).posterior_mean - d.mean) < 1e-15
							AND abs((o.sp).posterior_mean - d.mean_prior) < 1e-15) AS agree,
	   count(*) FILTER (WHERE (o.s IS NULL) <> (d.worker IS NULL)) AS disagree_on_null
FROM sk_ours o LEFT JOIN sk_direct d USING (dataset, worker)
GROUP BY o.dataset ORDER BY o.dataset;

-- the bounds are the exact 2.5% and 97.5% quantiles of Beta(c + 1, n - c + 1)
SELECT count(*) AS estimates,
	   count(*) FILTER (WHERE abs(beta_cdf((s).lower_bound, (s).n_correct + 1, (s).n_answered - (s).n_correct + 1) - 0.025) < 1e-12
						  AND abs(beta_cdf((s).upper_bound, (s).n_correct + 1, (s).n_answered - (s).n_correct + 1) - 0.975) < 1e-12
						  AND (s).lower_bound < (s).posterior_mean AND (s).posterior_mean < (s).upper_bound)
	   AS exact_bounds
FROM sk_ours WHERE s IS NOT NULL;

-- per-class counts add up to the overall ones
SELECT count(*) FILTER (WHERE (SELECT sum((v ->> 'n_answered')::bigint) FROM jsonb_each(c) x(k, v)) = (s).n_answered
						  AND (SELECT sum((v ->> 'n_correct')::bigint) FROM jsonb_each(c) x(k, v)) = (s).n_correct)
	   AS classes_add_up,
	   count(*) FILTER (WHERE s IS NOT NULL) AS with_gold
FROM sk_ours;

-- a forced-parallel grouped plan gives the very same estimates
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE FUNCTION plan_has_partial_agg(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
	partial boolean := false;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		partial := partial OR line LIKE '%Partial%Aggregate%';
	END LOOP;
	RETURN partial;
END
$$;
SELECT plan_has_partial_agg($$
	SELECT j.dataset, j.worker, worker_skill(j.label, g.label), worker_class_skill(j.label, g.label)
	FROM sk_judgments j LEFT JOIN sk_gold g ON g.dataset = j.dataset AND g.task = j.task
	GROUP BY j.dataset, j.worker$$) AS parallel_plan;
SELECT count(*) AS estimates,
	   count(*) FILTER (WHERE p.s IS NOT DISTINCT FROM o.s AND p.sp IS NOT DISTINCT FROM o.sp
						  AND p.c IS NOT DISTINCT FROM o.c) AS identical
FROM (SELECT j.dataset, j.worker, worker_skill(j.label, g.label) AS s,
			 worker_skill(j.label, g.label, 2, 1) AS sp, worker_class_skill(j.label, g.label) AS c
	  FROM sk_judgments j LEFT JOIN sk_gold g ON g.dataset = j.dataset AND g.task = j.task
	  GROUP BY j.dataset, j.worker) p
JOIN sk_ours o USING (dataset, worker);
RESET ALL;
SET search_path = public, labeling;

-- the best and worst workers of one set by the lower bound (at least 20
-- gold answers), as a ban rule would see them
SELECT worker, (s).n_answered, (s).n_correct, round((s).lower_bound::numeric, 3) AS lower_bound
FROM sk_ours WHERE dataset = 'gal-adult2' AND (s).n_answered >= 20
ORDER BY (s).lower_bound DESC, worker LIMIT 3;
SELECT worker, (s).n_answered, (s).n_correct, round((s).lower_bound::numeric, 3) AS lower_bound
FROM sk_ours WHERE dataset = 'gal-adult2' AND (s).n_answered >= 20
ORDER BY (s).lower_bound, worker LIMIT 3;

DROP FUNCTION plan_has_partial_agg(text);
DROP TABLE sk_judgments, sk_gold, sk_load, sk_gold_load, sk_ours, sk_direct;
