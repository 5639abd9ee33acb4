-- one_coin_posterior(label, skill, labels) and one_coin_loo_agrees: values
-- worked out by hand, NULLs, bad input, order independence, parallel plans;
-- beta_quantile (as used by accuracy_bound) and accuracy_bound against closed forms.
SET extra_float_digits = 0;

-- one vote of a worker of accuracy 0.8 among 2 labels: the posterior is 0.8
SELECT labeling.one_coin_posterior(label, 0.8, '{cat,dog}') FROM (VALUES ('cat')) v(label);
-- three labels, two votes for cat by workers of accuracy 0.8 and 0.6:
-- odds of cat against each other label = (0.8/0.1) * (0.6/0.2) = 24,
-- so P(cat) = 24 / 26 and P(dog) = P(bird) = 1 / 26
SELECT abs(labeling.probability(d, 'cat') - 24.0 / 26) < 1e-12 AS cat_ok,
	   abs(labeling.probability(d, 'dog') - 1.0 / 26) < 1e-12 AS dog_ok,
	   labeling.label_count(d) AS labels, labeling.top_label(d)
FROM (SELECT labeling.one_coin_posterior(label, skill, '{cat,dog,bird}') AS d
	  FROM (VALUES ('cat', 0.8), ('cat', 0.6)) v(label, skill)) s;
-- disagreement: cat by 0.9, dog by 0.6 (two labels): odds 9 / 1.5 = 6, P(cat) = 6/7
SELECT abs(labeling.probability(d, 'cat') - 6.0 / 7) < 1e-12 AS ok
FROM (SELECT labeling.one_coin_posterior(label, skill, '{cat,dog}') AS d
	  FROM (VALUES ('cat', 0.9), ('dog', 0.6)) v(label, skill)) s;
-- a coin flip (accuracy 1/K) says nothing; worse than chance is evidence against
SELECT labeling.one_coin_posterior(label, 0.5, '{cat,dog}') FROM (VALUES ('cat')) v(label);
SELECT labeling.one_coin_posterior(label, 0.2, '{cat,dog}') FROM (VALUES ('cat')) v(label);
SELECT abs(labeling.probability(labeling.one_coin_posterior(label, 1.0 / 3, '{a,b,c}'), 'a') - 1.0 / 3) < 1e-12
FROM (VALUES ('a')) v(label);
-- skills of 1 and 0 are clamped to 1 - 1e-6 and 1e-6
SELECT abs(labeling.probability(labeling.one_coin_posterior(label, 1, '{cat,dog}'), 'cat') - (1 - 1e-6)) < 1e-12,
	   abs(labeling.probability(labeling.one_coin_posterior(label, 0, '{cat,dog}'), 'cat') - 1e-6) < 1e-12
FROM (VALUES ('cat')) v(label);
-- a single label: certainty; labels keep byte order in the result
SELECT labeling.one_coin_posterior('only', 0.7, '{only}');
SELECT labeling.labels(labeling.one_coin_posterior('b', 0.7, '{b,a,B,C}'));
-- NULL labels and NULL skills are skipped; no votes gives NULL
SELECT labeling.one_coin_posterior(label, skill, '{cat,dog}') IS NULL AS is_null
FROM (VALUES (NULL, 0.8), ('cat', NULL)) v(label, skill);
SELECT labeling.one_coin_posterior(label, skill, '{cat,dog}')
	   OPERATOR(labeling.=) (SELECT labeling.one_coin_posterior('cat', 0.8, '{cat,dog}')) AS same
FROM (VALUES (NULL, 0.8), ('cat', 0.8), ('dog', NULL)) v(label, skill);
SELECT labeling.one_coin_posterior(label, 0.8, '{cat,dog}') FROM (VALUES ('cat')) v(label) WHERE false;
-- bad input
SELECT labeling.one_coin_posterior('bird', 0.8, '{cat,dog}');
SELECT labeling.one_coin_posterior('cat', 0.8, NULL);
SELECT labeling.one_coin_posterior('cat', 0.8, '{}');
SELECT labeling.one_coin_posterior('cat', 0.8, '{cat,NULL}');
SELECT labeling.one_coin_posterior('cat', 0.8, '{cat,cat}');
SELECT labeling.one_coin_posterior('cat', 0.8, '{{cat},{dog}}');
SELECT labeling.one_coin_posterior('cat', 'NaN', '{cat,dog}');
SELECT labeling.one_coin_posterior('cat', 1.5, '{cat,dog}');
SELECT labeling.one_coin_posterior('cat', -0.1, '{cat,dog}');
-- different label sets in different groups are fine, not within one group
SELECT g, labeling.one_coin_posterior(label, 0.8, labels)
FROM (VALUES (1, 'cat', '{cat,dog}'::text[]), (2, 'yes', '{yes,no}')) v(g, label, labels)
GROUP BY g ORDER BY g;
SELECT labeling.one_coin_posterior(label, 0.8, labels)
FROM (VALUES ('cat', '{cat,dog}'::text[]), ('yes', '{yes,no}')) v(label, labels);
-- the same label set in another order is the same set
SELECT labeling.one_coin_posterior(label, 0.8, labels)
FROM (VALUES ('cat', '{cat,dog}'::text[]), ('dog', '{dog,cat}')) v(label, labels);

-- the result does not depend on the order of the votes, to the last bit
-- a plain table: parallel workers cannot read temporary ones
CREATE TABLE post_votes AS
SELECT i % 300 AS task, (ARRAY['a','b','c','d'])[1 + (i * 7919) % 4] AS label,
	   0.3 + (i::bigint * 104729 % 650) / 1000.0 AS skill
FROM generate_series(1, 30000) i;
SELECT count(*) AS tasks,
	   count(*) FILTER (WHERE f.d OPERATOR(labeling.=) b.d) AS identical
FROM (SELECT task, labeling.one_coin_posterior(label, skill, '{a,b,c,d}' ORDER BY skill, label) AS d
	  FROM post_votes GROUP BY task) f
JOIN (SELECT task, labeling.one_coin_posterior(label, skill, '{d,c,b,a}' ORDER BY skill DESC, label DESC) AS d
	  FROM post_votes GROUP BY task) b USING (task);

-- a forced-parallel plan (Partial Aggregate under Gather) gives the same bits
CREATE OR REPLACE FUNCTION plan_has_partial(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
	partial boolean := false;
	gather boolean := false;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		partial := partial OR line LIKE '%Partial%Aggregate%';
		gather := gather OR line LIKE '%Gather%';
	END LOOP;
	RETURN partial AND gather;
END
$$;
CREATE TEMP TABLE post_serial AS
SELECT task, labeling.one_coin_posterior(label, skill, '{a,b,c,d}') AS d FROM post_votes GROUP BY task;
ANALYZE post_votes;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_has_partial('SELECT task, labeling.one_coin_posterior(label, skill, ''{a,b,c,d}'') FROM post_votes GROUP BY task') AS parallel;
SELECT count(*) AS tasks, count(*) FILTER (WHERE p.d OPERATOR(labeling.=) s.d) AS identical
FROM (SELECT task, labeling.one_coin_posterior(label, skill, '{a,b,c,d}') AS d FROM post_votes GROUP BY task) p
JOIN post_serial s USING (task);
-- one group over the whole table, combined from the workers' states
SELECT labeling.one_coin_posterior(label, skill, '{a,b,c,d}') OPERATOR(labeling.=) (
	SELECT labeling.one_coin_posterior(label, skill, '{a,b,c,d}' ORDER BY skill) FROM post_votes) AS same
FROM post_votes;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- leave-one-out agreement: cat by 0.8 and 0.6 (three labels) gives
-- P(cat) = 24/26; without the 0.8 vote, cat still leads (odds 3)
SELECT labeling_internal.one_coin_loo_agrees(d, 'cat', 0.8) AS cat_by_08,
	   labeling_internal.one_coin_loo_agrees(d, 'cat', 0.6) AS cat_by_06
FROM (SELECT labeling.one_coin_posterior(label, skill, '{cat,dog,bird}') AS d
	  FROM (VALUES ('cat', 0.8), ('cat', 0.6)) v(label, skill)) s;
-- cat by 0.9 and dog by 0.6: without its own vote each label loses to the other
SELECT labeling_internal.one_coin_loo_agrees(d, 'cat', 0.9) AS cat_vote, labeling_internal.one_coin_loo_agrees(d, 'dog', 0.6) AS dog_vote
FROM (SELECT labeling.one_coin_posterior(label, skill, '{cat,dog}') AS d
	  FROM (VALUES ('cat', 0.9), ('dog', 0.6)) v(label, skill)) s;
-- a lone vote: without it the posterior is uniform, the tie goes to the smallest label
SELECT labeling_internal.one_coin_loo_agrees(labeling.one_coin_posterior('cat', 0.8, '{cat,dog}'), 'cat', 0.8) AS cat,
	   labeling_internal.one_coin_loo_agrees(labeling.one_coin_posterior('dog', 0.8, '{cat,dog}'), 'dog', 0.8) AS dog;
SELECT labeling_internal.one_coin_loo_agrees('{"only": 1}', 'only', 0.9);
SELECT labeling_internal.one_coin_loo_agrees('{"cat": 1}', 'dog', 0.9);
SELECT labeling_internal.one_coin_loo_agrees('{"cat": 0.5, "dog": 0.5}', 'cat', 2);
SELECT labeling_internal.one_coin_loo_agrees(NULL, 'cat', 0.9) IS NULL AS strict;

-- Beta quantiles against closed forms: Beta(1,1) is uniform,
-- Beta(a,1) has CDF x^a, Beta(1,b) has CDF 1-(1-x)^b,
-- Beta(20,2) has CDF x^20 (21 - 20x)
SELECT p, abs(labeling.beta_quantile(p, 1, 1) - p) < 1e-14 AS uniform,
	   abs(labeling.beta_quantile(p, 3.5, 1) - p ^ (1 / 3.5)) < 1e-13 AS a_1,
	   abs(labeling.beta_quantile(p, 1, 7) - (1 - (1 - p) ^ (1.0 / 7))) < 1e-13 AS one_b
FROM unnest(ARRAY[0.001, 0.025, 0.5, 0.975, 0.999]) p;
SELECT p, abs(q ^ 20 * (21 - 20 * q) - p) < 1e-12 AS beta_20_2, round(q::numeric, 6) AS quantile
FROM (SELECT p, labeling.beta_quantile(p, 20, 2) AS q
	  FROM unnest(ARRAY[0.025, 0.5, 0.975]) p) s;
-- symmetric: the q-quantile of Beta(a,b) is 1 - the (1-q)-quantile of Beta(b,a)
SELECT abs(labeling.beta_quantile(0.025, 96, 6) + labeling.beta_quantile(0.975, 6, 96) - 1) < 1e-12 AS symmetric;
-- a large count converges
SELECT round(labeling.beta_quantile(0.025, 95001, 5001)::numeric, 6) AS big;
SELECT labeling.beta_quantile(0, 2, 3), labeling.beta_quantile(1, 2, 3);
SELECT labeling.beta_quantile(1.5, 2, 3);
SELECT labeling.beta_quantile(0.5, 0, 3);
SELECT labeling.beta_quantile(0.5, 2, 'Infinity');
SELECT labeling.beta_quantile('NaN', 2, 3);
-- credible bounds of golden accuracy: prior Beta(2,1), nothing answered:
-- lower = sqrt(0.025); 1 of 1 correct cannot beat 95 of 100
SELECT abs(labeling.accuracy_bound(0.025, 0, 0, 2, 1) - sqrt(0.025)) < 1e-14 AS no_answers,
	   labeling.accuracy_bound(0.025, 1, 1, 2, 1) < labeling.accuracy_bound(0.025, 95, 100, 2, 1) AS one_of_one_lower;
SELECT labeling.accuracy_bound(0.025, 3, 2, 2, 1);
DROP TABLE post_votes;

-- float8_median(x) equals percentile_cont(0.5) to the bit, odd and even counts,
-- NULLs skipped, NaN sorted last; no values gives NULL
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE m IS NOT DISTINCT FROM p) AS equal
FROM (SELECT g, labeling.float8_median(x) AS m, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS p
	  FROM (SELECT i % 37 AS g,
				   CASE WHEN i % 11 = 0 THEN NULL ELSE sin(i) * 1000 / (1 + i % 7) END AS x
			FROM generate_series(1, 5000) i) s
	  GROUP BY g) r;
SELECT labeling.float8_median(x), percentile_cont(0.5) WITHIN GROUP (ORDER BY x)
FROM (VALUES (1.0::float8), ('NaN'), (3), (2)) v(x);
SELECT labeling.float8_median(x) FROM (VALUES (NULL::float8)) v(x);
SELECT labeling.float8_median(x) FROM (VALUES (4.5::float8)) v(x);
-- and with a parallel plan
CREATE TABLE median_values AS SELECT i % 5 AS g, (i * 7919 % 1000) / 10.0 AS x FROM generate_series(1, 100000) i;
ANALYZE median_values;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SELECT plan_has_partial('SELECT g, labeling.float8_median(x) FROM median_values GROUP BY g') AS parallel;
SELECT count(*) FILTER (WHERE m = p) AS equal
FROM (SELECT g, labeling.float8_median(x) AS m FROM median_values GROUP BY g) a
JOIN (SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS p FROM median_values GROUP BY g) b USING (g);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
DROP TABLE median_values;
