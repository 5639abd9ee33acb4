# pg_dump / pg_restore of a database using the extension keeps every row of
# every table of the extension (all registered with pg_extension_config_dump)
# and the state of their sequences, and the live pipeline carries on after
# the restore.
#
# The extension's tables have triggers, and a restore creates them (with
# CREATE EXTENSION) before it loads the data, so the restoring session runs
# with session_replication_role = replica: no trigger fires, and the
# restored state is the dumped one, which already matched the judgments.
# (pg_restore --disable-triggers only acts on data-only restores.)  A plain
# restore with the triggers on stops with an error instead of loading a
# different state, which is checked too.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION labeling');
$node->safe_psql('src', q{
	INSERT INTO labeling.projects (name, labels, guidelines, min_overlap, max_overlap, target_confidence)
	VALUES ('pets', '{cat,dog}', 'Cat or dog?', 2, 4, 0.9);
	INSERT INTO labeling.projects (name, kind) VALUES ('pairs', 'side_by_side');
	UPDATE labeling.projects SET guidelines = 'Cat or dog? Foxes are dogs.' WHERE name = 'pets';
	INSERT INTO labeling.workers (external_id, kind, model_version)
		VALUES ('alice', 'human', NULL), ('bob', 'expert', NULL), ('gpt', 'model', 'v1'), ('eve', 'human', NULL);
	INSERT INTO labeling.tasks (project_id, external_id, payload)
		SELECT 1, 'img' || i, jsonb_build_object('url', 'http://x/' || i) FROM generate_series(1, 50) i;
	INSERT INTO labeling.tasks (project_id, external_id) VALUES (2, 'a'), (2, 'b'), (2, 'c');
	INSERT INTO labeling.golden_labels (task_id, label, expert_id) VALUES (1, 'cat', 2), (2, 'dog', 2);
	INSERT INTO labeling.qc_rules (project_id, name, metric, threshold, min_count, action)
		VALUES (1, 'bound', 'golden_lower_bound', 0.2, 2, 'ban'), (NULL, 'speed', 'median_seconds', 1, 3, 'flag');
	INSERT INTO labeling.assignments (task_id, worker_id, expires_at)
		VALUES (3, 4, now() + interval '1 hour'), (4, 4, now() + interval '1 hour');
	INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent, score, guidelines_version)
		SELECT t, w, CASE WHEN (t + w) % 3 = 0 THEN 'dog' ELSE 'cat' END, make_interval(secs => t + w),
			   CASE WHEN w = 3 THEN 0.9 END, 2
		FROM generate_series(1, 50) t, generate_series(1, 3) w;
	INSERT INTO labeling.judgments (task_id, worker_id, label, assignment_id) VALUES (3, 4, 'dog', 1);
	-- eve misses both golden tasks: banned by the rule
	INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES (1, 4, 'dog'), (2, 4, 'cat');
	INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id)
		VALUES (51, 52, 'left', 1), (52, 53, 'tie', 2);
	SELECT labeling.refresh(1, 'majority_vote');
	SELECT labeling.set_worker_status(1, 1, 'flagged', 'spot check');
	CREATE TABLE public.my_results AS
		SELECT task_id, labeling.vote_dist(label) AS d FROM labeling.judgments GROUP BY task_id;
});

# every table and sequence of the extension's schema is registered
my @tables = split /\n/, $node->safe_psql('src', q{
	SELECT c.oid::regclass FROM pg_class c
	WHERE c.relnamespace = 'labeling'::regnamespace AND c.relkind = 'r' ORDER BY 1});
is(scalar(@tables), 15, 'fifteen tables in the schema');
is($node->safe_psql('src', q{
	SELECT count(*) FROM pg_class c, pg_extension e
	WHERE e.extname = 'labeling' AND c.relnamespace = 'labeling'::regnamespace
	  AND c.relkind IN ('r', 'S') AND NOT c.oid = ANY (e.extconfig)}), '0',
	'every table and sequence is registered with pg_extension_config_dump');

my $dump = "$PostgreSQL::Test::Utils::tmp_check/src.dump";
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
{
	local $ENV{PGOPTIONS} = '-c session_replication_role=replica';
	$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ],
		'pg_restore with session_replication_role = replica');
}

# every table, row for row (timestamps included)
for my $t (@tables, 'public.my_results')
{
	my $q = "SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') FROM $t r";
	my $a = $node->safe_psql('src', $q);
	my $b = $node->safe_psql('dst', $q);
	is($b, $a, "$t restored identically");
	like($a, qr/^[1-9]/, "$t is not empty");
}

# sequences continue after the restored keys
my $seqs = q{
	SELECT string_agg(c.relname || '=' || (pg_sequence_last_value(c.oid))::text, ' ' ORDER BY c.relname)
	FROM pg_class c WHERE c.relnamespace = 'labeling'::regnamespace AND c.relkind = 'S'
};
is($node->safe_psql('dst', $seqs), $node->safe_psql('src', $seqs), 'every sequence restored');
$node->safe_psql('dst', q{INSERT INTO labeling.workers (external_id) VALUES ('carol')});
is($node->safe_psql('dst', q{SELECT worker_id FROM labeling.workers WHERE external_id = 'carol'}),
	'5', 'new rows get fresh keys after the restore');

# the pipeline carries on: state, rules and refresh work in the copy
$node->safe_psql('dst', 'CREATE TABLE public.before AS SELECT * FROM labeling.task_state');
$node->safe_psql('dst', 'SELECT labeling.rebuild(1)');
is($node->safe_psql('dst', q{
	SELECT count(*) FROM ((SELECT * FROM public.before EXCEPT SELECT * FROM labeling.task_state)
		UNION ALL (SELECT * FROM labeling.task_state EXCEPT SELECT * FROM public.before)) d
}), '0', 'the restored state equals a recomputation');
$node->safe_psql('dst', q{
	INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 'new');
	INSERT INTO labeling.judgments (task_id, worker_id, label)
	SELECT task_id, 5, 'cat' FROM labeling.tasks WHERE external_id = 'new';
});
is($node->safe_psql('dst', q{
	SELECT n_judgments || ' ' || label FROM labeling.task_state JOIN labeling.tasks USING (task_id)
	WHERE external_id = 'new'}), '1 cat', 'a new judgment updates the restored state');
cmp_ok($node->safe_psql('dst', q{SELECT (labeling.refresh(1)).run_id}), '>', 1, 'refresh() works in the copy');

# without --disable-triggers the triggers of CREATE EXTENSION fire during the
# load and the restore stops with an error rather than loading other data
$node->safe_psql('postgres', 'CREATE DATABASE dst2');
$node->command_fails([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst2'), $dump ],
	'a restore with the triggers on fails loudly');

$node->stop;
done_testing();
