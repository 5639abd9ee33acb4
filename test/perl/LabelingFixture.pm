# test/perl/LabelingFixture.pm - a database that has been used: shared by the TAP tests that
# must keep every row (dump and restore, upgrade).  load_base() runs only what version 0.1.0
# of the extension has (so the upgrade test can load it before ALTER EXTENSION UPDATE);
# table_checksums() and state_matches_rebuild() are the comparisons those tests make.
package LabelingFixture;
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw(load_base table_checksums state_matches_rebuild);

# Two projects (classification with guideline versions, side-by-side), experts, a model, golden
# tasks, rules that ban and flag, assignments submitted and open, comparisons, bonus rules, a
# refresh, a ban by hand and one by a rule, and a table of the user's that uses the types.
sub load_base
{
	my ($node, $db) = @_;
	$node->safe_psql($db, q{
		INSERT INTO labeling.projects (name, labels, guidelines, min_overlap, max_overlap,
									   target_confidence, price_per_judgment, min_hourly_pay)
		VALUES ('pets', '{cat,dog}', 'Cat or dog?', 2, 4, 0.85, 0.05, 6);
		INSERT INTO labeling.projects (name, kind) VALUES ('pairs', 'side_by_side');
		UPDATE labeling.projects SET guidelines = 'Cat or dog? Foxes are dogs.' WHERE name = 'pets';
		INSERT INTO labeling.workers (external_id, kind, model_version)
			VALUES ('alice', 'human', NULL), ('bob', 'expert', NULL), ('gpt', 'model', 'v1'),
				   ('eve', 'human', NULL), ('zed', 'human', NULL);
		INSERT INTO labeling.tasks (project_id, external_id, payload)
			SELECT 1, 'img' || i, jsonb_build_object('url', 'http://x/' || i) FROM generate_series(1, 50) i;
		INSERT INTO labeling.tasks (project_id, external_id) VALUES (2, 'a'), (2, 'b'), (2, 'c');
		INSERT INTO labeling.golden_labels (task_id, label, expert_id) VALUES (1, 'cat', 2), (2, 'dog', 2);
		INSERT INTO labeling.qc_rules (project_id, name, metric, threshold, min_count, action)
			VALUES (1, 'bound', 'golden_lower_bound', 0.2, 2, 'ban'),
				   (NULL, 'speed', 'median_seconds', 1, 3, 'flag');
		INSERT INTO labeling.assignments (task_id, worker_id, expires_at)
			VALUES (3, 4, now() + interval '1 hour'), (4, 4, now() + interval '1 hour');
		INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent, score, guidelines_version)
			SELECT t, w, CASE WHEN (t + w) % 3 = 0 THEN 'dog' ELSE 'cat' END, make_interval(secs => t + w),
				   CASE WHEN w = 3 THEN 0.9 END, 2
			FROM generate_series(1, 50) t, generate_series(1, 3) w;
		INSERT INTO labeling.judgments (task_id, worker_id, label, assignment_id) VALUES (3, 4, 'dog', 1);
		-- eve misses both golden tasks: banned by the rule
		INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 4, 'dog'), (2, 4, 'cat');
		-- zed's fourth votes complete tasks 10 to 20 (max_overlap); the ban by hand reopens them
		INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent)
			SELECT t, 5, 'cat', '4 seconds' FROM generate_series(10, 20) t;
		INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id)
			VALUES (51, 52, 'left', 1), (52, 53, 'tie', 2);
		INSERT INTO labeling.bonus_rules (project_id, name, metric, threshold, min_count, amount)
			VALUES (1, 'accurate', 'golden_accuracy', 0.9, 2, 0.01);
		SELECT labeling.refresh(1, 'majority_vote');
		SELECT labeling.set_worker_status(1, 1, 'flagged', 'spot check');
		SELECT labeling.set_worker_status(1, 5, 'banned', 'by hand');
		UPDATE labeling.tasks SET status = 'closed' WHERE task_id = 50;
		CREATE TABLE public.my_results AS
			SELECT task_id, labeling.vote_dist(label) AS d FROM labeling.judgments GROUP BY task_id;
	});
	return;
}

# { table => "rows:md5" } for every ordinary table of the schemas named, over the columns given
# (default: all of them), rows compared as text in a fixed order.
sub table_checksums
{
	my ($node, $db, $schemas, $columns) = @_;
	my %sum;
	my @tables = split /\n/, $node->safe_psql($db, qq{
		SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = ANY ('{$schemas}') AND c.relkind = 'r' ORDER BY 1});
	for my $t (@tables)
	{
		my $cols = $columns && $columns->{$t} ? $columns->{$t} : 'r.*';
		$sum{$t} = $node->safe_psql($db, qq{
			SELECT count(*) || ':' || coalesce(md5(string_agg(x, '|' ORDER BY x)), '')
			FROM (SELECT ($cols)::text AS x FROM $t r) s});
	}
	return \%sum;
}

# Does the live state of every project equal what rebuild() computes?  Returns the number of
# rows that differ (0 when it does); the database is left as rebuild() made it.
sub state_matches_rebuild
{
	my ($node, $db) = @_;
	my $out = $node->safe_psql($db, q{
		CREATE TEMP TABLE ts0 AS SELECT * FROM labeling.task_state;
		-- agreement is a snapshot as of agreement_at (the worker's last judgment, or the last
		-- refresh or rebuild): another worker's ban does not update it, so it is left out
		CREATE TEMP VIEW ws AS
			SELECT to_jsonb(w) - 'agreement_at' - 'agreement' - 'agreement_judgments' AS r
			FROM labeling.worker_state w;
		CREATE TEMP TABLE ws0 AS SELECT * FROM ws;
		SELECT labeling.rebuild(project_id) FROM labeling.projects ORDER BY project_id;
		SELECT (SELECT count(*) FROM ((TABLE ts0 EXCEPT TABLE labeling.task_state)
									  UNION ALL (TABLE labeling.task_state EXCEPT TABLE ts0)) d)
			 + (SELECT count(*) FROM ((TABLE ws0 EXCEPT TABLE ws) UNION ALL (TABLE ws EXCEPT TABLE ws0)) d);
	});
	return (split /\n/, $out)[-1];
}

1;
