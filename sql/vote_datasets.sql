-- majority_vote and vote_dist on every bundled dataset:
--   * majority_vote equals mode() WITHIN GROUP on every task without a tie;
--   * on tied tasks it returns the smallest tied label in byte order;
--   * vote_dist equals Crowd-Kit 1.4.1's MajorityVote probabilities (to 1e-12)
--     and majority_vote its labels, on every task.
CREATE TABLE ds_judgments (dataset text, task text, worker text, label text);
CREATE TABLE ds_load (task text, worker text, label text);
CREATE TABLE ref_lines (dataset text, line text);
CREATE TABLE ref_load (line text);
\copy ds_load FROM 'test/data/act-cf/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-cf', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-cf/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-cf', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/act-cf-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-cf-amt', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-cf-amt', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/act-ms/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-ms', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-ms/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-ms', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/act-sp/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-sp', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-sp/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-sp', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/act-sp-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-sp-amt', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-sp-amt', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/act-zencrowd-all/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-zencrowd-all', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-zencrowd-all', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/act-zencrowd-in/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-zencrowd-in', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-zencrowd-in', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/act-zencrowd-us/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'act-zencrowd-us', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'act-zencrowd-us', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/gal-adult2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'gal-adult2', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'gal-adult2', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/gal-adultcontent2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'gal-adultcontent2', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'gal-adultcontent2', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/gal-hitspam-crowdflower/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'gal-hitspam-crowdflower', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'gal-hitspam-crowdflower', line FROM ref_load; TRUNCATE ref_load;
\copy ds_load FROM 'test/data/welinder-bluebird/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ds_judgments SELECT 'welinder-bluebird', * FROM ds_load; TRUNCATE ds_load;
\copy ref_load FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/mv_tasks.csv' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ref_lines SELECT 'welinder-bluebird', line FROM ref_load; TRUNCATE ref_load;
ANALYZE ds_judgments;

-- ours, per task
CREATE TABLE ours AS
SELECT dataset, task, labeling.majority_vote(label) AS mv, labeling.vote_dist(label) AS vd,
	   mode() WITHIN GROUP (ORDER BY label) AS mode
FROM ds_judgments GROUP BY dataset, task;

-- tasks whose largest vote count is shared by two or more labels
CREATE TABLE tied AS
SELECT dataset, task, min(label COLLATE "C") AS smallest_tied
FROM (SELECT dataset, task, label, count(*) AS n,
			 max(count(*)) OVER (PARTITION BY dataset, task) AS top
	  FROM ds_judgments GROUP BY dataset, task, label) s
WHERE n = top GROUP BY dataset, task HAVING count(*) > 1;

-- the reference: header "task,label,p_<c1>,...", one row per task
CREATE TABLE ref AS
WITH hdr AS (
	SELECT dataset, string_to_array(line, ',') AS cols
	FROM ref_lines WHERE line LIKE 'task,label,%'
), rows AS (
	SELECT dataset, string_to_array(line, ',') AS f
	FROM ref_lines WHERE line NOT LIKE 'task,label,%'
)
SELECT r.dataset, r.f[1] AS task, r.f[2] AS label,
	   array_agg(substr(h.cols[i], 3)) AS classes, array_agg(r.f[i]::float8) AS probs
FROM rows r JOIN hdr h USING (dataset), generate_series(3, array_length(h.cols, 1)) i
GROUP BY r.dataset, r.f[1], r.f[2];

SELECT o.dataset,
	   count(*) AS tasks,
	   count(t.task) AS tied_tasks,
	   count(*) FILTER (WHERE t.task IS NULL AND o.mv <> o.mode) AS mv_differs_from_mode,
	   count(*) FILTER (WHERE t.task IS NOT NULL AND o.mv <> t.smallest_tied) AS tie_not_smallest,
	   count(*) FILTER (WHERE o.mv <> r.label) AS mv_differs_from_crowdkit,
	   count(*) FILTER (WHERE r.task IS NULL) AS missing_in_crowdkit
FROM ours o
LEFT JOIN tied t USING (dataset, task)
LEFT JOIN ref r USING (dataset, task)
GROUP BY o.dataset ORDER BY o.dataset;

-- probabilities: every class of the reference, zero where we have no vote
SELECT r.dataset,
	   count(*) AS probabilities_compared,
	   max(abs(labeling.probability(o.vd, c.class) - c.p)) < 1e-12 AS match_1e_12
FROM ref r
JOIN ours o USING (dataset, task)
CROSS JOIN LATERAL unnest(r.classes, r.probs) AS c(class, p)
GROUP BY r.dataset ORDER BY r.dataset;

DROP TABLE ds_judgments, ds_load, ref_lines, ref_load, ours, tied, ref;
