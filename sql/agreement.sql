-- pairwise_kappa and worker_agreement over the schema's judgments: a small
-- example worked by hand, then two real datasets (one with repeated
-- answers) against brute-force SQL.
SET extra_float_digits = 0;
SET search_path = public, labeling;

-- ---------------------------------------------------------------------------
-- By hand
-- ---------------------------------------------------------------------------
--   t1: w1 a, w2 a, w3 b
--   t2: w1 a, w2 b, w3 b, w4 b
--   t3: w1 a then b (the latest answer counts), w2 b
--   t4: w4 c (alone)      t5: w5 a (alone)
--   project "other": t6: w1 z, w2 y
-- (ids 9001.. for workers and tasks, 9101.. for projects, clear of other tests)
INSERT INTO projects (project_id, name, labels, allow_repeat_judgments)
VALUES (9101, 'agreement: hand', '{a,b,c}', true), (9102, 'agreement: other', '{y,z}', true);
INSERT INTO workers (worker_id, external_id) SELECT 9000 + i, 'agreement: w' || i FROM generate_series(1, 5) i;
INSERT INTO tasks (task_id, project_id, external_id)
SELECT 9000 + i, CASE WHEN i = 6 THEN 9102 ELSE 9101 END, 't' || i FROM generate_series(1, 6) i;
INSERT INTO judgments (task_id, worker_id, label, created_at)
SELECT 9000 + t, 9000 + w, l, c::timestamptz FROM (VALUES
	(1, 1, 'a', '2024-01-01'), (1, 2, 'a', '2024-01-01'), (1, 3, 'b', '2024-01-01'),
	(2, 1, 'a', '2024-01-02'), (2, 2, 'b', '2024-01-02'), (2, 3, 'b', '2024-01-02'), (2, 4, 'b', '2024-01-02'),
	(3, 1, 'b', '2024-01-05'), (3, 1, 'a', '2024-01-03'), (3, 2, 'b', '2024-01-03'),
	(4, 4, 'c', '2024-01-04'), (5, 5, 'a', '2024-01-04'),
	(6, 1, 'z', '2024-01-06'), (6, 2, 'y', '2024-01-06')) v(t, w, l, c);

-- leave-one-out: w1 on t1 sees a tie a:1 b:1 and said a -> 1/2; on t2 sees
-- b:3 -> 0; on t3 sees b:1 -> 1.  w2: 1/2 + 1 + 1.  w3: 0 + 1.  w4: t2 -> 1,
-- t4 has nobody else.  w5 is never compared.
SELECT * FROM worker_agreement(9101);
-- without a project: t6 adds a disagreement for w1 and w2
SELECT worker_id, n_tasks, n_compared, agreed, round(agreement::numeric, 4) AS agreement
FROM worker_agreement() WHERE worker_id IN (9001, 9002);
SELECT count(*) AS no_such_project FROM worker_agreement(-1);

-- Cohen's kappa per pair of workers: (w1, w2) share t1, t2, t3 with
-- (a,a) (a,b) (b,b): p_o = 2/3, p_e = 4/9, kappa = 0.4.  (w2, w4) and
-- (w3, w4) only ever say b together: kappa undefined (NULL).
SELECT worker_a, worker_b, n_common, round(observed_agreement::numeric, 4) AS observed,
	   round(kappa::numeric, 4) AS kappa
FROM pairwise_kappa(1, 9101);
SELECT * FROM pairwise_kappa(2, 9101);
SELECT count(*) AS pairs_all_projects FROM pairwise_kappa(1) WHERE worker_a BETWEEN 9001 AND 9005;
SELECT pairwise_kappa(0);
SELECT pairwise_kappa(NULL);

DELETE FROM judgments WHERE task_id BETWEEN 9001 AND 9006;
DELETE FROM tasks WHERE task_id BETWEEN 9001 AND 9006;
DELETE FROM workers WHERE worker_id BETWEEN 9001 AND 9005;
DELETE FROM projects WHERE project_id IN (9101, 9102);

-- ---------------------------------------------------------------------------
-- Real data: gal-adult2 and act-zencrowd-in (710 repeated (task, worker)
-- answers), each as a project
-- ---------------------------------------------------------------------------
CREATE TABLE ag_load (task text, worker text, label text);
CREATE TABLE ag_raw (project text, task text, worker text, label text, line bigint);
\copy ag_load FROM 'test/data/gal-adult2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ag_raw SELECT 'gal-adult2', *, row_number() OVER () FROM ag_load; TRUNCATE ag_load;
\copy ag_load FROM 'test/data/act-zencrowd-in/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ag_raw SELECT 'act-zencrowd-in', *, row_number() OVER () FROM ag_load; TRUNCATE ag_load;

INSERT INTO projects (name, labels, allow_repeat_judgments)
SELECT 'agreement: ' || project, array_agg(DISTINCT label), true FROM ag_raw GROUP BY project;
INSERT INTO workers (external_id) SELECT DISTINCT 'agreement: ' || worker FROM ag_raw;
INSERT INTO tasks (project_id, external_id)
SELECT DISTINCT p.project_id, r.task FROM ag_raw r JOIN projects p ON p.name = 'agreement: ' || r.project;
-- file order is time order: a repeated answer replaces the earlier one
INSERT INTO judgments (task_id, worker_id, label, created_at)
SELECT t.task_id, w.worker_id, r.label, timestamptz '2024-01-01' + r.line * interval '1 second'
FROM ag_raw r
JOIN projects p ON p.name = 'agreement: ' || r.project
JOIN tasks t ON t.project_id = p.project_id AND t.external_id = r.task
JOIN workers w ON w.external_id = 'agreement: ' || r.worker;
ANALYZE judgments;

-- the latest answer per (task, worker), for the brute-force versions
CREATE TABLE ag_latest AS
SELECT DISTINCT ON (j.task_id, j.worker_id) t.project_id, j.task_id, j.worker_id, j.label
FROM judgments j JOIN tasks t USING (task_id) JOIN projects p USING (project_id)
WHERE p.name LIKE 'agreement: %'
ORDER BY j.task_id, j.worker_id, j.created_at DESC, j.judgment_id DESC;
SELECT p.name, count(*) AS judgments, count(DISTINCT (j.task_id, j.worker_id)) AS answers
FROM judgments j JOIN tasks t USING (task_id) JOIN projects p USING (project_id)
WHERE p.name LIKE 'agreement: %'
GROUP BY p.name ORDER BY p.name;

-- worker_agreement against a brute force that, for each answer, tallies the
-- other workers' labels on the task one by one
CREATE TABLE ag_brute AS
WITH others AS (
	SELECT a.project_id, a.worker_id, a.task_id, a.label AS own, b.label, count(*) AS votes
	FROM ag_latest a JOIN ag_latest b ON b.task_id = a.task_id AND b.worker_id <> a.worker_id
	GROUP BY 1, 2, 3, 4, 5),
top AS (
	SELECT project_id, worker_id, task_id,
		   count(*) FILTER (WHERE votes = mx) AS k,
		   bool_or(label = own AND votes = mx) AS hit
	FROM (SELECT *, max(votes) OVER (PARTITION BY worker_id, task_id) AS mx FROM others) o
	GROUP BY 1, 2, 3)
SELECT l.project_id, l.worker_id, count(*) AS n_tasks, count(t.task_id) AS n_compared,
	   coalesce(sum(CASE WHEN t.hit THEN 1.0 / t.k ELSE 0 END), 0) AS agreed
FROM ag_latest l LEFT JOIN top t USING (project_id, worker_id, task_id)
GROUP BY 1, 2;
CREATE TABLE ag_ours AS
SELECT p.project_id, p.name, w.* FROM projects p CROSS JOIN LATERAL worker_agreement(p.project_id) w
WHERE p.name LIKE 'agreement: %';
SELECT w.name, count(*) AS workers,
	   count(*) FILTER (WHERE w.n_tasks = b.n_tasks AND w.n_compared = b.n_compared
						  AND abs(w.agreed - b.agreed) < 1e-9
						  AND (w.agreement IS NULL) = (b.n_compared = 0)
						  AND (b.n_compared = 0 OR abs(w.agreement - b.agreed / b.n_compared) < 1e-12)) AS agree,
	   round(avg(w.agreement)::numeric, 4) AS mean_agreement
FROM ag_ours w
JOIN ag_brute b ON b.project_id = w.project_id AND b.worker_id = w.worker_id
GROUP BY w.name ORDER BY w.name;

-- pairwise_kappa against the formula on the shared tasks of every pair
CREATE TABLE ag_pairs AS
SELECT a.project_id, a.worker_id AS wa, b.worker_id AS wb, a.label AS la, b.label AS lb
FROM ag_latest a JOIN ag_latest b ON b.task_id = a.task_id AND b.worker_id > a.worker_id;
CREATE TABLE ag_pair_brute AS
WITH n AS (SELECT project_id, wa, wb, count(*)::float8 AS n,
				  count(*) FILTER (WHERE la = lb)::float8 AS agree
		   FROM ag_pairs GROUP BY 1, 2, 3),
ra AS (SELECT project_id, wa, wb, la AS l, count(*) AS c FROM ag_pairs GROUP BY 1, 2, 3, 4),
rb AS (SELECT project_id, wa, wb, lb AS l, count(*) AS c FROM ag_pairs GROUP BY 1, 2, 3, 4),
m AS (SELECT project_id, wa, wb, sum(ra.c * rb.c)::float8 AS expected
	  FROM ra JOIN rb USING (project_id, wa, wb, l) GROUP BY 1, 2, 3)
SELECT n.*, (n.agree / n.n - coalesce(m.expected, 0) / (n.n * n.n))
			/ nullif(1 - coalesce(m.expected, 0) / (n.n * n.n), 0) AS kappa
FROM n LEFT JOIN m USING (project_id, wa, wb);
CREATE TABLE ag_pair_ours AS
SELECT p.project_id, p.name, k.* FROM projects p CROSS JOIN LATERAL pairwise_kappa(5, p.project_id) k
WHERE p.name LIKE 'agreement: %';
SELECT k.name, count(*) AS pairs,
	   count(*) FILTER (WHERE k.n_common = b.n AND abs(k.observed_agreement - b.agree / b.n) < 1e-12
						  AND (k.kappa IS NULL) = (b.kappa IS NULL)
						  AND (b.kappa IS NULL OR abs(k.kappa - b.kappa) < 1e-12)) AS agree,
	   (SELECT count(*) FROM ag_pair_brute x WHERE x.project_id = k.project_id AND x.n >= 5) AS expected_pairs
FROM ag_pair_ours k
JOIN ag_pair_brute b ON b.project_id = k.project_id AND b.wa = k.worker_a AND b.wb = k.worker_b
GROUP BY k.project_id, k.name ORDER BY k.name;

DELETE FROM judgments WHERE task_id IN (SELECT task_id FROM ag_latest);
DELETE FROM tasks WHERE task_id IN (SELECT task_id FROM ag_latest);
DELETE FROM workers WHERE external_id LIKE 'agreement: %';
DELETE FROM projects WHERE name LIKE 'agreement: %';
DROP TABLE ag_load, ag_raw, ag_latest, ag_brute, ag_pairs, ag_pair_brute, ag_pair_ours, ag_ours;
