-- Krippendorff's alpha (nominal) equals Crowd-Kit 1.4.1's alpha_krippendorff
-- to 1e-12 on every bundled dataset (test/data/reference/crowdkit-1.4.1/*/
-- alpha.json; its README 4.7: every row counts, binary distance, units with
-- one row left out), whatever the key types and the row order (parallel
-- plans: test/t/030_agreement_parallel.pl).
SET extra_float_digits = 0;
CREATE TABLE ka_judgments (dataset text, task text, worker text, label text);
CREATE TABLE ka_load (task text, worker text, label text);
CREATE TABLE ka_ref (dataset text, line text);
CREATE TABLE ka_ref_load (line text);
\copy ka_load FROM 'test/data/act-cf/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-cf', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-cf/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-cf', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/act-cf-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-cf-amt', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-cf-amt', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/act-ms/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-ms', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-ms/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-ms', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/act-sp/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-sp', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-sp/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-sp', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/act-sp-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-sp-amt', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-sp-amt', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/act-zencrowd-all/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-zencrowd-all', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-zencrowd-all', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/act-zencrowd-in/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-zencrowd-in', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-zencrowd-in', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/act-zencrowd-us/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'act-zencrowd-us', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'act-zencrowd-us', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/gal-adult2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'gal-adult2', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'gal-adult2', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/gal-adultcontent2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'gal-adultcontent2', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'gal-adultcontent2', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/gal-hitspam-crowdflower/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'gal-hitspam-crowdflower', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'gal-hitspam-crowdflower', line FROM ka_ref_load; TRUNCATE ka_ref_load;
\copy ka_load FROM 'test/data/welinder-bluebird/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO ka_judgments SELECT 'welinder-bluebird', * FROM ka_load; TRUNCATE ka_load;
\copy ka_ref_load FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/alpha.json' WITH (FORMAT text, DELIMITER E'\x01')
INSERT INTO ka_ref SELECT 'welinder-bluebird', line FROM ka_ref_load; TRUNCATE ka_ref_load;
ANALYZE ka_judgments;

-- the reference values: the line  "alpha": <double>,
CREATE TABLE ka_expected AS
SELECT dataset, substring(line FROM '"alpha": ([-0-9.eE+]+)')::float8 AS alpha
FROM ka_ref WHERE line ~ '^ *"alpha": ';
SELECT count(*) AS datasets_with_reference FROM ka_expected;

-- text units, text coders
CREATE TABLE ka_ours AS
SELECT dataset, labeling.krippendorff_alpha(task, worker, label) AS alpha,
	   labeling.krippendorff_alpha(task, worker, label, 'nominal') AS alpha_named
FROM ka_judgments GROUP BY dataset;
SELECT e.dataset, round(e.alpha::numeric, 6) AS crowdkit,
	   abs(o.alpha - e.alpha) < 1e-12 AS same_to_1e_12,
	   o.alpha = o.alpha_named AS default_is_nominal
FROM ka_expected e LEFT JOIN ka_ours o USING (dataset)
ORDER BY e.dataset;

-- bigint units (the sets with numeric task ids) give the same alpha
SELECT dataset, abs(labeling.krippendorff_alpha(task::bigint, worker, label) - e.alpha) < 1e-12 AS same_bigint_keys
FROM ka_judgments JOIN ka_expected e USING (dataset)
WHERE dataset IN ('act-cf', 'act-cf-amt', 'act-sp', 'act-sp-amt', 'welinder-bluebird')
GROUP BY dataset, e.alpha ORDER BY dataset;

-- the row order does not matter
SELECT bool_and(abs(a.alpha - e.alpha) < 1e-12) AS shuffled_same
FROM (SELECT dataset, labeling.krippendorff_alpha(task, worker, label) AS alpha
	  FROM (SELECT * FROM ka_judgments ORDER BY md5(task || worker || label)) s
	  GROUP BY dataset) a
JOIN ka_expected e USING (dataset);

DROP TABLE ka_judgments, ka_load, ka_ref, ka_ref_load, ka_expected, ka_ours;
