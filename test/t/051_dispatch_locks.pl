# The lock behaviour of dispatch, step by step with sessions held open:
#   * a dispatcher that holds a task's row (its transaction still open) is
#     skipped, not waited for: another worker gets the next task at once,
#     and a third gets nothing rather than wait;
#   * once the first commits, the task is full (it left the dispatch index);
#   * a submit whose task a dispatcher holds waits for that dispatcher and
#     then succeeds (no deadlock, no error);
#   * reclaim_expired() skips an expired assignment whose submit is in
#     progress, and that submit is refused once the reclaim sees it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = PostgreSQL::Test::Cluster->new('locks');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\n");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION labeling;
	-- a: one judgment per task (tasks 1, 2); b: two (tasks 3, 4)
	INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, golden_rate)
	VALUES ('a', '{x,y}', 1, 1, 0), ('b', '{x,y}', 2, 2, 0);
	INSERT INTO labeling.workers (external_id) SELECT 'w' || i FROM generate_series(1, 4) i;
	INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 't1'), (1, 't2'), (2, 'u1'), (2, 'u2');
});

# the task of a worker's issued assignment
sub held
{
	my ($worker) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT coalesce(string_agg(t.external_id, ',' ORDER BY t.external_id), '-')
		FROM labeling.assignments a JOIN labeling.tasks t USING (task_id)
		WHERE a.worker_id = $worker AND a.state = 'issued'});
}

my $s1 = $node->background_psql('postgres');
$s1->query_safe('BEGIN');
is($s1->query_safe('SELECT count(*) FROM labeling.next_tasks(1, 1, 1)'), '1', 'w1 takes a task, transaction open');

my $t0 = time();
is($node->safe_psql('postgres', 'SELECT count(*) FROM labeling.next_tasks(2, 1, 1)'), '1',
	'w2 gets a task meanwhile');
is(held(2), 't2', 'the other one: t1 is locked and skipped');
is($node->safe_psql('postgres', 'SELECT count(*) FROM labeling.next_tasks(3, 1, 1)'), '0',
	'w3 gets nothing rather than wait');
cmp_ok(time() - $t0, '<', 20, 'no call waited for the open transaction');
$s1->query_safe('COMMIT');
is(held(1), 't1', 'w1 holds t1 after its commit');
is($node->safe_psql('postgres', q{SELECT string_agg(task_id || ':' || assigned || '/' || needed, ' ' ORDER BY task_id)
	FROM labeling.task_state WHERE project_id = 1}), '1:1/1 2:1/1', 'both tasks are full');
is($node->safe_psql('postgres', q{SELECT count(*) FROM labeling.task_state
	WHERE project_id = 1 AND status = 'open' AND NOT golden AND assigned < needed}), '0',
	'and out of the dispatch index');
is($node->safe_psql('postgres', 'SELECT count(*) FROM labeling.next_tasks(3, 1, 1)'), '0',
	'w3 still gets nothing');

# a submit waits for a dispatcher that holds its task, then succeeds
is($node->safe_psql('postgres', 'SELECT count(*) FROM labeling.next_tasks(1, 2, 1)'), '1', 'w1 takes u1');
$s1->query_safe('BEGIN');
is($s1->query_safe('SELECT count(*) FROM labeling.next_tasks(2, 2, 1)'), '1', 'w2 takes u1 too, transaction open');
my $s2 = $node->background_psql('postgres');
$s2->query_until(qr/started/, q{
	\echo started
	SELECT labeling.submit(a.assignment_id, 'x') > 0 AS submitted
	FROM labeling.assignments a WHERE a.worker_id = 1 AND a.task_id = 3;
});
$node->poll_query_until('postgres', q{
	SELECT count(*) = 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%submit%'})
  or die 'the submit never waited';
pass('the submit waits for the dispatcher');
$s1->query_safe('COMMIT');
is($s2->query_safe('SELECT 1'), "t\n1", 'then it succeeds') or diag($s2->{stderr});
is($node->safe_psql('postgres', q{SELECT n_judgments || ' ' || assigned || '/' || needed
	FROM labeling.task_state WHERE task_id = 3}), '1 1/1', 'u1: one judgment, one assignment for the one it needs');

# reclaim skips an expired assignment whose submit is in progress; once the
# submit is over, the next reclaim takes it
$node->safe_psql('postgres', q{UPDATE labeling.assignments SET issued_at = now() - interval '2 hours',
	expires_at = now() - interval '1 hour' WHERE worker_id = 2 AND task_id = 3});
$s1->query_safe('BEGIN');
$s1->query_safe(q{SELECT 1 FROM labeling.assignments WHERE worker_id = 2 AND task_id = 3 FOR UPDATE});
is($node->safe_psql('postgres', 'SELECT labeling.reclaim_expired()'), '0', 'reclaim skips the locked assignment');
$s1->query_safe('ROLLBACK');
is($node->safe_psql('postgres', 'SELECT labeling.reclaim_expired()'), '1', 'and takes it once it is free');
my ($ret, $out, $err) = $node->psql('postgres', q{
	SELECT labeling.submit(a.assignment_id, 'x') FROM labeling.assignments a WHERE a.worker_id = 2 AND a.task_id = 3});
like($err, qr/assignment \d+ is expired/, 'a submit after the reclaim is refused');

$s1->quit;
$s2->quit;
$node->stop;
done_testing();
