-- Every bundled dataset against Crowd-Kit 1.4.1's outputs
-- (test/data/reference/crowdkit-1.4.1, see its README for the settings):
--   * crowdkit_compat Dawid-Skene, Dawid-Skene with 10% gold and one-coin
--     match Crowd-Kit's posteriors, error matrices, skills, priors and loss
--     history to 1e-9, with the same number of iterations and the same labels;
--   * Wawa matches to 1e-12;
--   * crowdkit_compat GLAD (same loop, scipy's CG reimplemented) agrees on
--     labels: its first loss to 1e-6, its iteration count within one, and
--     more than 99.5% of the labels on every dataset;
--   * the default settings are at least as accurate as Crowd-Kit on the mean
--     over the datasets, method by method.
SET extra_float_digits = 0;
CREATE TABLE tr_judgments (dataset text, task text, worker text, label text);
CREATE TABLE tr_load (task text, worker text, label text);
CREATE TABLE tr_gold10 (dataset text, task text, label text);
CREATE TABLE tr_gold (dataset text, task text, label text);
CREATE TABLE tr_gold_load (task text, label text);
CREATE TABLE tr_ref (dataset text, file text, lineno bigint, line text);
CREATE TABLE tr_lines_load (id bigint GENERATED ALWAYS AS IDENTITY, line text);
\copy tr_load FROM 'test/data/act-cf/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-cf', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-cf/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-cf', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-cf', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/act-cf-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-cf-amt', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-cf-amt/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-cf-amt', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-cf-amt', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-cf-amt/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-cf-amt', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/act-ms/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-ms', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-ms/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-ms', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-ms', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-ms/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-ms', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/act-sp/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-sp', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-sp/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-sp', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-sp', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/act-sp-amt/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-sp-amt', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-sp-amt/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-sp-amt', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-sp-amt', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-sp-amt/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-sp-amt', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/act-zencrowd-all/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-zencrowd-all', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-zencrowd-all/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-zencrowd-all', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-zencrowd-all', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-all/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-all', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/act-zencrowd-in/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-zencrowd-in', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-zencrowd-in/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-zencrowd-in', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-zencrowd-in', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-in/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-in', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/act-zencrowd-us/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'act-zencrowd-us', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/act-zencrowd-us/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'act-zencrowd-us', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'act-zencrowd-us', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/act-zencrowd-us/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'act-zencrowd-us', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/gal-adult2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'gal-adult2', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/gal-adult2/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'gal-adult2', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'gal-adult2', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adult2/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adult2', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/gal-adultcontent2/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'gal-adultcontent2', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/gal-adultcontent2/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'gal-adultcontent2', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'gal-adultcontent2', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-adultcontent2/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-adultcontent2', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/gal-hitspam-crowdflower/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'gal-hitspam-crowdflower', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/gal-hitspam-crowdflower/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'gal-hitspam-crowdflower', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'gal-hitspam-crowdflower', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/gal-hitspam-crowdflower/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'gal-hitspam-crowdflower', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_load FROM 'test/data/welinder-bluebird/judgments.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_judgments SELECT 'welinder-bluebird', * FROM tr_load; TRUNCATE tr_load;
\copy tr_gold_load FROM 'test/data/welinder-bluebird/gold.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold SELECT 'welinder-bluebird', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_gold_load FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ds_gold10_true_labels.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO tr_gold10 SELECT 'welinder-bluebird', * FROM tr_gold_load; TRUNCATE tr_gold_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ds_gold10_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ds_gold10_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ds_gold10_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ds_gold10_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ds_gold10_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ds_gold10_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ocds_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ocds_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ocds_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ocds_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/ocds_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'ocds_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/glad_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'glad_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/glad_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'glad_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/wawa_tasks.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'wawa_tasks.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/wawa_workers.csv' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'wawa_workers.csv', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/wawa_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'wawa_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
\copy tr_lines_load (line) FROM 'test/data/reference/crowdkit-1.4.1/welinder-bluebird/mv_meta.json' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
INSERT INTO tr_ref SELECT 'welinder-bluebird', 'mv_meta.json', id, line FROM tr_lines_load; TRUNCATE tr_lines_load;
ANALYZE tr_judgments;

-- the reference, parsed: task posteriors, DS error matrices, worker values, meta
CREATE TABLE tr_ref_tasks AS
WITH hdr AS (
	SELECT dataset, file, string_to_array(line, ',') AS cols
	FROM tr_ref WHERE file LIKE '%tasks.csv' AND line LIKE 'task,label,%'
), rows AS (
	SELECT dataset, file, string_to_array(line, ',') AS f
	FROM tr_ref WHERE file LIKE '%tasks.csv' AND line NOT LIKE 'task,%'
)
SELECT r.dataset, split_part(r.file, '_tasks', 1) AS method, r.f[1] AS task, r.f[2] AS label,
	   array_agg(substr(h.cols[i], 3) ORDER BY i) AS classes, array_agg(r.f[i]::float8 ORDER BY i) AS probs
FROM rows r JOIN hdr h USING (dataset, file), generate_series(3, array_length(h.cols, 1)) i
GROUP BY r.dataset, r.file, r.f[1], r.f[2];
CREATE TABLE tr_ref_errors AS
SELECT dataset, split_part(file, '_workers', 1) AS method, f[1] AS worker, f[2] AS true_label,
	   f[3] AS observed_label, f[4]::float8 AS prob
FROM (SELECT dataset, file, string_to_array(line, ',') AS f FROM tr_ref
	  WHERE file IN ('ds_workers.csv', 'ds_gold10_workers.csv') AND line NOT LIKE 'worker,%') s;
CREATE TABLE tr_ref_skills AS
SELECT dataset, split_part(file, '_workers', 1) AS method, f[1] AS worker, f[2]::float8 AS skill
FROM (SELECT dataset, file, string_to_array(line, ',') AS f FROM tr_ref
	  WHERE file IN ('ocds_workers.csv', 'wawa_workers.csv') AND line NOT LIKE 'worker,%') s;
CREATE TABLE tr_ref_meta AS
SELECT dataset, split_part(file, '_meta', 1) AS method, string_agg(line, E'\n' ORDER BY lineno)::jsonb AS meta
FROM tr_ref WHERE file LIKE '%meta.json' GROUP BY dataset, file;
SELECT count(DISTINCT dataset) AS datasets, count(*) AS judgments FROM tr_judgments;

-- our fits with Crowd-Kit's settings
CREATE TABLE tr_compat AS
SELECT dataset, 'ds' AS method,
	   labeling.dawid_skene_agg(task, worker, label, NULL, labeling.truth_options(crowdkit_compat => true)) AS m
FROM tr_judgments GROUP BY dataset
UNION ALL
SELECT j.dataset, 'ds_gold10',
	   labeling.dawid_skene_agg(j.task, j.worker, j.label, g.label, labeling.truth_options(crowdkit_compat => true))
FROM tr_judgments j LEFT JOIN tr_gold10 g USING (dataset, task) GROUP BY j.dataset
UNION ALL
SELECT dataset, 'ocds',
	   labeling.one_coin_agg(task, worker, label, NULL, labeling.truth_options(crowdkit_compat => true))
FROM tr_judgments GROUP BY dataset
UNION ALL
SELECT dataset, 'glad',
	   labeling.glad_agg(task, worker, label, NULL, labeling.truth_options(crowdkit_compat => true))
FROM tr_judgments GROUP BY dataset
UNION ALL
SELECT dataset, 'wawa', labeling.wawa_agg(task, worker, label) FROM tr_judgments GROUP BY dataset;

-- our tasks and workers as rows
CREATE TABLE tr_ours_tasks AS
SELECT c.dataset, c.method, t.task, t.label, t.posterior FROM tr_compat c, labeling.truth_tasks(c.m) t;
CREATE TABLE tr_ours_workers AS
SELECT c.dataset, c.method, w.worker, w.skill, w.confusion FROM tr_compat c, labeling.truth_workers(c.m) w;
ANALYZE tr_ours_tasks, tr_ours_workers, tr_ref_tasks, tr_ref_errors, tr_ref_skills;

-- posteriors and labels, per dataset and method
CREATE TABLE tr_task_cmp AS
SELECT o.dataset, o.method, count(*) AS tasks,
	   max((SELECT max(abs(labeling.probability(o.posterior, u.c) - u.p)) FROM unnest(r.classes, r.probs) u(c, p)))
		   AS max_diff,
	   count(*) FILTER (WHERE o.label <> r.label) AS labels_differ
FROM tr_ours_tasks o JOIN tr_ref_tasks r USING (dataset, method, task)
GROUP BY o.dataset, o.method;

-- iterations and loss history
CREATE TABLE tr_loss_cmp AS
SELECT c.dataset, c.method, d.iterations, (r.meta->>'iterations')::int AS reference_iterations,
	   (SELECT max(abs(h - (r.meta->'loss_history_'->>(i - 1)::int)::float8))
		FROM unnest(d.objective_history) WITH ORDINALITY u(h, i)
		WHERE i <= jsonb_array_length(r.meta->'loss_history_')) AS max_loss_diff,
	   abs(d.objective_history[1] - (r.meta->'loss_history_'->>0)::float8) AS first_loss_diff,
	   (SELECT max(abs(p.prior - (r.meta->'priors_'->>p.label)::float8)) FROM labeling.truth_priors(c.m) p)
		   AS max_prior_diff
FROM tr_compat c, labeling.truth_diagnostics(c.m) d
JOIN tr_ref_meta r ON true
WHERE r.dataset = c.dataset AND r.method = c.method;

-- 1. Dawid-Skene, Dawid-Skene with gold, one-coin: exact
SELECT l.method, l.dataset, t.tasks,
	   l.iterations = l.reference_iterations AS same_iterations,
	   t.max_diff < 1e-9 AS posteriors_1e_9,
	   t.labels_differ AS labels_differ,
	   l.max_loss_diff < 1e-9 AS loss_history_1e_9,
	   l.max_prior_diff < 1e-9 AS priors_1e_9
FROM tr_loss_cmp l JOIN tr_task_cmp t USING (dataset, method)
WHERE l.method IN ('ds', 'ds_gold10', 'ocds')
ORDER BY l.method, l.dataset;
-- error matrices (every (worker, observed label, true label) Crowd-Kit reports)
SELECT e.method, count(*) AS entries,
	   max(abs((w.confusion->e.true_label->>e.observed_label)::float8 - e.prob)) < 1e-9 AS errors_1e_9
FROM tr_ours_workers w JOIN tr_ref_errors e USING (dataset, method, worker)
GROUP BY e.method ORDER BY e.method;
-- one-coin skills, Wawa skills
SELECT s.method, count(*) AS workers,
	   max(abs(w.skill - s.skill)) < CASE s.method WHEN 'wawa' THEN 1e-12 ELSE 1e-9 END AS skills_match
FROM tr_ours_workers w JOIN tr_ref_skills s USING (dataset, method, worker)
GROUP BY s.method ORDER BY s.method;

-- 2. Wawa: posteriors to 1e-12, labels identical (ties go to the smallest
--    label in both)
SELECT dataset, tasks, max_diff < 1e-12 AS posteriors_1e_12, labels_differ
FROM tr_task_cmp WHERE method = 'wawa' ORDER BY dataset;

-- 3. GLAD (crowdkit_compat): the same algorithm; labels agree
SELECT l.dataset, t.tasks,
	   l.first_loss_diff < 1e-6 AS first_loss_1e_6,
	   abs(l.iterations - l.reference_iterations) <= 1 AS iterations_within_one,
	   t.labels_differ <= t.tasks / 200 AS labels_agree_99_5_pct
FROM tr_loss_cmp l JOIN tr_task_cmp t USING (dataset, method)
WHERE l.method = 'glad' ORDER BY l.dataset;
SELECT sum(labels_differ) <= 20 AS at_most_20_glad_labels_differ, sum(tasks) AS tasks
FROM tr_task_cmp WHERE method = 'glad';

-- 4. Default settings: mean accuracy over the datasets (gold tasks with
--    judgments; DS+gold10 counts its own gold tasks, like the reference) at
--    least Crowd-Kit's, method by method
CREATE TABLE tr_default AS
SELECT j.dataset,
	   labeling.dawid_skene_agg(j.task, j.worker, j.label) AS ds,
	   labeling.dawid_skene_agg(j.task, j.worker, j.label, g.label) AS ds_gold10,
	   labeling.one_coin_agg(j.task, j.worker, j.label) AS ocds,
	   labeling.glad_agg(j.task, j.worker, j.label) AS glad,
	   labeling.wawa_agg(j.task, j.worker, j.label) AS wawa
FROM tr_judgments j LEFT JOIN tr_gold10 g USING (dataset, task) GROUP BY j.dataset;
CREATE TABLE tr_default_tasks AS
SELECT d.dataset, v.method, t.task, t.label
FROM tr_default d,
	 LATERAL (VALUES ('ds', d.ds), ('ds_gold10', d.ds_gold10), ('ocds', d.ocds), ('glad', d.glad), ('wawa', d.wawa)) v(method, m),
	 labeling.truth_tasks(v.m) t;
CREATE TABLE tr_accuracy AS
SELECT a.dataset, a.method, a.ours, (r.meta->>'accuracy_vs_gold')::float8 AS crowdkit
FROM (SELECT t.dataset, t.method, avg((t.label = g.label)::int)::float8 AS ours
	  FROM tr_default_tasks t JOIN tr_gold g USING (dataset, task) GROUP BY t.dataset, t.method) a
JOIN tr_ref_meta r USING (dataset, method);
-- (equal accuracies may differ in the last bit: the reference's are stored rounded)
SELECT method, count(*) AS datasets, avg(ours) >= avg(crowdkit) - 1e-12 AS at_least_crowdkit
FROM tr_accuracy GROUP BY method ORDER BY method;

DROP TABLE tr_judgments, tr_load, tr_gold10, tr_gold, tr_gold_load, tr_ref, tr_lines_load,
	tr_ref_tasks, tr_ref_errors, tr_ref_skills, tr_ref_meta, tr_compat, tr_ours_tasks, tr_ours_workers,
	tr_task_cmp, tr_loss_cmp, tr_default, tr_default_tasks, tr_accuracy;
