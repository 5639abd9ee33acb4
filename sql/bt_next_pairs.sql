-- bt_next_pairs: which comparisons to ask next
SET extra_float_digits = 0;

-- a chain a > b > c > d > e, each neighbour pair compared once, plus a > b
-- four more times: the uncertain neighbours come first, a-b is at its limit
CREATE TABLE bt_np AS
SELECT labeling.bt_rank(l, r, w) AS m FROM (VALUES
	('a', 'b', 'a'), ('b', 'c', 'b'), ('c', 'd', 'c'), ('d', 'e', 'd'),
	('a', 'b', 'a'), ('a', 'b', 'a'), ('a', 'b', 'a'), ('b', 'a', 'a')) v(l, r, w);
SELECT left_item, right_item, reason, round(gain::numeric, 4) AS gain, comparisons
FROM labeling.bt_next_pairs((SELECT m FROM bt_np), 4);
-- never a pair compared max_per_pair times or more
SELECT count(*) AS pairs, bool_and(comparisons < 1) AS all_new
FROM labeling.bt_next_pairs((SELECT m FROM bt_np), 100, max_per_pair => 1);
SELECT count(*) FILTER (WHERE left_item = 'a' AND right_item = 'b') AS ab_proposed
FROM labeling.bt_next_pairs((SELECT m FROM bt_np), 100, max_per_pair => 5);
SELECT count(*) FILTER (WHERE left_item = 'a' AND right_item = 'b') AS ab_proposed
FROM labeling.bt_next_pairs((SELECT m FROM bt_np), 100, max_per_pair => 6);
-- gains never increase along the batch, and no pair twice
SELECT bool_and(gain <= prev + 1e-12) AS non_increasing, count(DISTINCT (left_item, right_item)) = count(*) AS distinct_pairs
FROM (SELECT gain, lag(gain) OVER (ORDER BY ord) AS prev, left_item, right_item
	  FROM labeling.bt_next_pairs((SELECT m FROM bt_np), 100) WITH ORDINALITY AS t(left_item, right_item, reason, gain, comparisons, ord)) q
WHERE prev IS NOT NULL;
SELECT count(*) AS none FROM labeling.bt_next_pairs((SELECT m FROM bt_np), 0);

-- disconnected groups: connect them first (the largest group with each other one)
SELECT left_item, right_item, reason, comparisons
FROM labeling.bt_next_pairs((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	('a', 'b', 'a'), ('b', 'c', 'b'), ('x', 'y', 'y'), ('p', 'q', NULL)) v(l, r, w)), 4);
SELECT count(*) FILTER (WHERE reason = 'connect') AS connect_pairs
FROM labeling.bt_next_pairs((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	('a', 'b', 'a'), ('b', 'c', 'b'), ('x', 'y', 'y'), ('p', 'q', NULL)) v(l, r, w)), 4, connect => false);

-- bigint keys come back as text, in key order within a pair
SELECT left_item, right_item, reason
FROM labeling.bt_next_pairs((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	(10::bigint, 9::bigint, 10::bigint), (9, 100, 9), (9, 10, 10)) v(l, r, w)), 2);

-- errors
SELECT * FROM labeling.bt_next_pairs((SELECT m FROM bt_np), -1);
SELECT * FROM labeling.bt_next_pairs((SELECT m FROM bt_np), 3, max_per_pair => 0);
SELECT * FROM labeling.bt_next_pairs((SELECT labeling.bt_fit(m, prior => 0) FROM bt_np), 3);

DROP TABLE bt_np;
