-- Pay: base pay at the price each assignment promised, bonus rules as rows
-- (each bonus with the rule that granted it), effective hourly pay from the
-- median time spent, a below-floor flag and the top-up to the floor; no pay
-- for work given while banned; periods in UTC whatever the session's zone.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- pay: 0.10 per judgment, floor 12.00 an hour, weekly; pay2: 0.50, no
-- floor, daily; pairs: 0.20 per comparison
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence,
							   price_per_judgment, min_hourly_pay, pay_period)
VALUES ('pay', '{a,b}', 1, 10, 0.999, 0.10, 12, 'week'),
	   ('pay2', '{a,b}', 1, 10, 0.999, 0.50, 0, 'day');
INSERT INTO labeling.projects (name, kind, price_per_judgment) VALUES ('pairs', 'side_by_side', 0.20);
INSERT INTO labeling.workers (external_id, kind, model_version) VALUES
	('alice', 'human', NULL), ('bob', 'human', NULL), ('carol', 'human', NULL),
	('eve', 'expert', NULL), ('bot', 'model', 'v1');
-- tasks 1-10 in pay (1-3 golden: a, b, a), 11-12 in pay2, 13-14 in pairs
INSERT INTO labeling.tasks (project_id, external_id)
SELECT 1, 't' || i FROM generate_series(1, 10) i
UNION ALL SELECT 2, 'u' || i FROM generate_series(1, 2) i
UNION ALL SELECT 3, 'p' || i FROM generate_series(1, 2) i;
INSERT INTO labeling.golden_labels (task_id, label) VALUES (1, 'a'), (2, 'b'), (3, 'a');

INSERT INTO labeling.bonus_rules (project_id, name, metric, threshold, min_count, amount, per,
								  active_from, active_until, enabled) VALUES
	(1, 'golden accuracy 0.9 after 3', 'golden_accuracy', 0.9, 3, 0.02, 'judgment', '-infinity', 'infinity', true),
	(NULL, 'skill tier 0.8', 'skill', 0.8, 3, 0.01, 'judgment', '-infinity', 'infinity', true),
	(1, 'five a week', 'judgments', 5, 1, 0.25, 'period', '-infinity', 'infinity', true),
	(1, 'launch week', 'judgments', 1, 1, 0.05, 'period', '-infinity', '2024-05-13 00:00+00', true),
	(1, 'switched off', 'judgments', 1, 1, 9.99, 'period', '-infinity', 'infinity', false),
	(1, 'golden bound 0.5 after 3', 'golden_lower_bound', 0.5, 3, 0.03, 'judgment', '-infinity', 'infinity', true);

-- an assignment that promised 0.12 for alice's t4
INSERT INTO labeling.assignments (task_id, worker_id, issued_at, expires_at, price)
VALUES (4, 1, '2024-05-06 09:00+00', '2024-05-06 10:00+00', 0.12);

-- week of 2024-05-06: alice answers all three golden tasks right, 60 s each
INSERT INTO labeling.judgments (task_id, worker_id, label, created_at, time_spent, assignment_id) VALUES
	(1, 1, 'a', '2024-05-06 09:01+00', '60 s', NULL),
	(2, 1, 'b', '2024-05-06 09:02+00', '60 s', NULL),
	(3, 1, 'a', '2024-05-06 09:03+00', '60 s', NULL),
	(4, 1, 'a', '2024-05-06 09:04+00', '60 s', 1),
	(5, 1, 'a', '2024-05-06 09:05+00', '60 s', NULL),
-- bob: one of two golden right, 20-200 s (median 40)
	(1, 2, 'b', '2024-05-07 10:00+00', '30 s', NULL),
	(2, 2, 'b', '2024-05-07 10:01+00', '40 s', NULL),
	(4, 2, 'a', '2024-05-07 10:02+00', '50 s', NULL),
	(5, 2, 'b', '2024-05-07 10:03+00', '200 s', NULL),
	(6, 2, 'a', '2024-05-07 10:04+00', '20 s', NULL),
-- carol: one judgment, then her account is banned (below) and two more
	(1, 3, 'a', '2024-05-06 11:00+00', '45 s', NULL),
	(2, 3, 'a', '2024-05-08 11:00+00', '45 s', NULL),
	(11, 3, 'a', '2024-05-09 11:00+00', '45 s', NULL),
-- eve in pay2 on 2024-05-09: 100 s and 300 s
	(11, 4, 'a', '2024-05-09 08:00+00', '100 s', NULL),
	(12, 4, 'b', '2024-05-09 08:10+00', '300 s', NULL),
-- the model is never paid
	(6, 5, 'a', '2024-05-07 12:00+00', NULL, NULL),
-- week of 2024-05-13: alice fast, bob across a ban in the project
	(6, 1, 'a', '2024-05-13 09:00+00', '10 s', NULL),
	(7, 1, 'a', '2024-05-13 09:01+00', '10 s', NULL),
	(8, 2, 'a', '2024-05-13 12:00+00', '30 s', NULL),
	(9, 2, 'a', '2024-05-14 12:00+00', '30 s', NULL),
	(10, 2, 'a', '2024-05-16 12:00+00', '30 s', NULL);
INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id, created_at, time_spent)
VALUES (13, 14, 'left', 1, '2024-05-07 09:00+00', '15 s');
-- bans as the quality rules record them: carol's account from 2024-05-07;
-- bob in pay from 2024-05-14 until 2024-05-15
INSERT INTO labeling.qc_events (project_id, worker_id, action, created_at) VALUES
	(NULL, 3, 'ban', '2024-05-07 00:00+00'),
	(1, 2, 'ban', '2024-05-14 00:00+00'),
	(1, 2, 'unban', '2024-05-15 00:00+00');

-- alice, week of 05-06: base 4 x 0.10 + 0.12 = 0.52; bonuses: golden
-- accuracy 3/3 (5 x 0.02), skill (2+3)/(3+3) = 0.83 (5 x 0.01), five a week
-- 0.25, launch week 0.05, golden bound Beta(5, 1) 0.025-quantile 0.478 < 0.5
-- (none): 0.45; hours 5 x 60 s = 1/12; 0.97 x 12 = 11.64 an hour < 12:
-- top-up 0.03.  Week of 05-13: 0.20 + skill 2 x 0.01, 2 x 10 s: 39.60 an hour.
-- bob: 0.50 + 0.25 + 0.05 at 40 s median: 14.40 an hour; next week 2 of 3
-- paid (one given while banned), 0.20 for 2 x 30 s: exactly the floor, not
-- below it.  carol: only the judgment before her ban (12.00 an hour).
-- eve: 1.00 for 2 x 200 s, no floor in pay2.  alice's comparison: 48.00.
SELECT project_id AS p, external_id AS worker, period_start::date AS period, period_end::date AS period_end,
	   judgments, paid_judgments AS paid, base_pay, bonus_pay, timed_judgments AS timed, median_seconds,
	   effective_hourly_pay AS hourly, min_hourly_pay AS floor, below_floor, top_up, total_pay
FROM labeling.payouts ORDER BY project_id, worker_id, period_start;
-- each bonus and the rule that granted it
SELECT project_id AS p, worker_id AS w, period_start::date AS period, rule_id, rule, metric,
	   round(value::numeric, 4) AS value, threshold, observations, per, amount, bonus
FROM labeling.payout_bonuses ORDER BY 1, 2, 3, 4;
SELECT external_id, period_start::date, jsonb_pretty(bonuses) AS bonuses
FROM labeling.payouts WHERE external_id = 'alice' AND project_id = 1 ORDER BY period_start LIMIT 1;
-- the items behind it: which were paid, at what price
SELECT project_id AS p, worker_id AS w, kind, item_id, created_at, period_start::date AS period, price, paid
FROM labeling.pay_items WHERE worker_id IN (2, 3) ORDER BY created_at;

-- the same payouts whatever the session's time zone
CREATE TEMP TABLE utc AS SELECT * FROM labeling.payouts;
SET TimeZone = 'Pacific/Kiritimati';
SELECT count(*) AS differences FROM (
	(SELECT * FROM utc EXCEPT SELECT * FROM labeling.payouts)
	UNION ALL (SELECT * FROM labeling.payouts EXCEPT SELECT * FROM utc)) d;
SET TimeZone = 'UTC';
-- monthly periods
UPDATE labeling.projects SET pay_period = 'month' WHERE project_id = 1;
SELECT external_id, period_start::date, period_end::date, paid_judgments, base_pay, bonus_pay, top_up
FROM labeling.payouts WHERE project_id = 1 ORDER BY worker_id, period_start;
UPDATE labeling.projects SET pay_period = 'week' WHERE project_id = 1;

-- bad rules are refused
\set VERBOSITY terse
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount) VALUES ('x', 'speed', 1, 1);
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount) VALUES ('x', 'skill', 1.5, 1);
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount) VALUES ('x', 'judgments', 'infinity', 1);
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount) VALUES ('x', 'skill', 0.5, -1);
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount, per) VALUES ('x', 'skill', 0.5, 1, 'hour');
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount, min_count) VALUES ('x', 'skill', 0.5, 1, 0);
INSERT INTO labeling.bonus_rules (name, metric, threshold, amount, active_from, active_until)
VALUES ('x', 'skill', 0.5, 1, '2024-01-01', '2023-01-01');
INSERT INTO labeling.bonus_rules (project_id, name, metric, threshold, amount) VALUES (99, 'x', 'skill', 0.5, 1);
UPDATE labeling.projects SET min_hourly_pay = -1 WHERE project_id = 1;
UPDATE labeling.projects SET pay_period = 'year' WHERE project_id = 1;
UPDATE labeling.assignments SET price = -0.01;
\set VERBOSITY default
SELECT count(*) AS rules FROM labeling.bonus_rules;
