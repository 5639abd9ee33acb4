# Every ordinary way of dumping and restoring a database that uses the extension gives back
# every row of every table of the extension (all registered with pg_extension_config_dump), the
# state of their sequences and a live state equal to rebuild(), and the pipeline carries on:
#   pg_dump -Fc + pg_restore (its defaults: no --exit-on-error, a transaction per object),
#   pg_dump + psql, pg_dump -Fd -j + pg_restore -j, and data-only dumps (plain and archive)
#   into a database whose schema was restored first.
# A restoring session (check_function_bodies and row_security off, as pg_dump's scripts and
# pg_restore set them) loads the rows as dumped and the live triggers stand aside
# (live_restoring()); a role that could not disable the triggers is refused on every table, so
# such a restore loads none of the extension's rows rather than half of them.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use LabelingFixture qw(load_base table_checksums state_matches_rebuild);

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION labeling');
load_base($node, 'src');
$node->safe_psql('src', q{
	SELECT labeling.refresh(1, 'dawid_skene');
	UPDATE labeling.projects SET guidelines = 'Cat or dog? Foxes are dogs. Wolves too.' WHERE name = 'pets';
});

# every table and sequence of the extension's schema is registered, and none is empty
my @tables = split /\n/, $node->safe_psql('src', q{
	SELECT c.oid::regclass FROM pg_class c
	WHERE c.relnamespace = 'labeling'::regnamespace AND c.relkind = 'r' ORDER BY 1});
is($node->safe_psql('src', q{
	SELECT count(*) FROM pg_class c, pg_extension e
	WHERE e.extname = 'labeling' AND c.relnamespace = 'labeling'::regnamespace
	  AND c.relkind IN ('r', 'S') AND NOT c.oid = ANY (e.extconfig)}), '0',
	'every table and sequence is registered with pg_extension_config_dump');
my $want = table_checksums($node, 'src', 'labeling,public');
for my $t (sort keys %$want)
{
	like($want->{$t}, qr/^[1-9]/, "$t is not empty in the source");
}
my $seqs = q{
	SELECT string_agg(c.relname || '=' || (pg_sequence_last_value(c.oid))::text, ' ' ORDER BY c.relname)
	FROM pg_class c WHERE c.relnamespace = 'labeling'::regnamespace AND c.relkind = 'S'
};
my $want_seqs = $node->safe_psql('src', $seqs);

my $dir = $PostgreSQL::Test::Utils::tmp_check;
my $connstr = sub { $node->connstr($_[0]) };

# run a command; returns (exit status, stderr)
sub run_cmd
{
	my ($cmd) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run($cmd, '>', \$out, '2>', \$err);
	return ($? >> 8, $err);
}

sub check_copy
{
	my ($db, $way) = @_;
	my $got = table_checksums($node, $db, 'labeling,public');
	for my $t (sort keys %$want)
	{
		is($got->{$t}, $want->{$t}, "$way: $t restored identically");
	}
	is($node->safe_psql($db, $seqs), $want_seqs, "$way: every sequence restored");
	is(state_matches_rebuild($node, $db), '0', "$way: the restored live state equals rebuild()");
	# the pipeline carries on: new keys, a judgment through the triggers, a refresh
	$node->safe_psql($db, q{
		INSERT INTO labeling.workers (external_id) VALUES ('carol');
		INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 'new');
		INSERT INTO labeling.judgments (task_id, worker_id, label)
		SELECT t.task_id, w.worker_id, 'cat' FROM labeling.tasks t, labeling.workers w
		WHERE t.external_id = 'new' AND w.external_id = 'carol';
	});
	is($node->safe_psql($db, q{
		SELECT ts.n_judgments || ' ' || ts.label || ' ' || (w.worker_id > 5)::int
		FROM labeling.task_state ts JOIN labeling.tasks t USING (task_id), labeling.workers w
		WHERE t.external_id = 'new' AND w.external_id = 'carol'}), '1 cat 1',
		"$way: new rows get fresh keys and go through the live triggers");
	cmp_ok($node->safe_psql($db, q{SELECT (labeling.refresh(1)).run_id}), '>', 2,
		"$way: refresh() works in the copy");
}

# 1. pg_dump -Fc, pg_restore with its defaults
my ($status, $err) = run_cmd([ 'pg_dump', '-Fc', '-d', $connstr->('src'), '-f', "$dir/src.dump" ]);
is($status, 0, 'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE dst_custom');
($status, $err) = run_cmd([ 'pg_restore', '-d', $connstr->('dst_custom'), "$dir/src.dump" ]);
is($status, 0, 'pg_restore with its defaults exits 0');
is($err, '', 'pg_restore reports no error');
check_copy('dst_custom', 'pg_restore');

# 2. plain pg_dump into psql
($status, $err) = run_cmd([ 'pg_dump', '-d', $connstr->('src'), '-f', "$dir/src.sql" ]);
is($status, 0, 'pg_dump (plain)');
$node->safe_psql('postgres', 'CREATE DATABASE dst_plain');
($status, $err) = run_cmd([ 'psql', '-X', '-q', '-d', $connstr->('dst_plain'), '-f', "$dir/src.sql" ]);
is($status, 0, 'psql runs the plain dump');
unlike($err, qr/ERROR/, 'the plain dump restores without an error');
check_copy('dst_plain', 'psql');

# 3. directory format, parallel dump and parallel restore
($status, $err) = run_cmd([ 'pg_dump', '-Fd', '-j', '2', '-d', $connstr->('src'), '-f', "$dir/src.dir" ]);
is($status, 0, 'pg_dump -Fd -j 2');
$node->safe_psql('postgres', 'CREATE DATABASE dst_jobs');
($status, $err) = run_cmd([ 'pg_restore', '-j', '4', '-d', $connstr->('dst_jobs'), "$dir/src.dir" ]);
is($status, 0, 'pg_restore -j 4 exits 0');
is($err, '', 'pg_restore -j 4 reports no error');
check_copy('dst_jobs', 'pg_restore -j');

# 4. data-only: the schema first, then a data-only dump (plain through psql, and an archive
#    through pg_restore --data-only)
for my $fmt ('plain', 'custom')
{
	my $db = "dst_data_$fmt";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	($status, $err) = run_cmd([ 'pg_restore', '--schema-only', '-d', $connstr->($db), "$dir/src.dump" ]);
	is($status, 0, "$fmt data-only: the schema restored first");
	if ($fmt eq 'plain')
	{
		($status, $err) = run_cmd([ 'pg_dump', '--data-only', '-d', $connstr->('src'), '-f', "$dir/data.sql" ]);
		is($status, 0, 'pg_dump --data-only');
		($status, $err) = run_cmd([ 'psql', '-X', '-q', '-d', $connstr->($db), '-f', "$dir/data.sql" ]);
		unlike($err, qr/ERROR/, 'the data-only dump restores without an error');
	}
	else
	{
		($status, $err) = run_cmd([ 'pg_restore', '--data-only', '-d', $connstr->($db), "$dir/src.dump" ]);
		is($status, 0, 'pg_restore --data-only exits 0');
		is($err, '', 'pg_restore --data-only reports no error');
	}
	check_copy($db, "$fmt data-only");
}

# 5. a role that could not disable the triggers: refused on every table of the extension, so
#    none of their rows is loaded (the user's own table is)
$node->safe_psql('postgres', q{
	CREATE ROLE restorer LOGIN IN ROLE labeling_admin;
	CREATE DATABASE dst_refused;
});
($status, $err) = run_cmd([ 'pg_restore', '--schema-only', '-d', $connstr->('dst_refused'), "$dir/src.dump" ]);
is($status, 0, 'refused: the schema restored first');
$node->safe_psql('dst_refused', 'GRANT INSERT ON public.my_results TO restorer');
($status, $err) = run_cmd([ 'pg_restore', '--data-only', '-U', 'restorer', '-d', $connstr->('dst_refused'),
						   "$dir/src.dump" ]);
isnt($status, 0, 'a restore by a role that cannot disable the triggers fails');
like($err, qr/role "restorer" cannot restore the tables of extension labeling/, 'with the reason');
is($node->safe_psql('dst_refused', q{
	SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', c.oid::regclass),
													 false, true, '')))[1]::text::int)
	FROM pg_class c WHERE c.relnamespace = 'labeling'::regnamespace AND c.relkind = 'r'}), '0',
	'refused: no row of any table of the extension was loaded');

# an ordinary session with only one of the two settings off runs the triggers as always
$node->safe_psql('src', q{
	SET check_function_bodies = off;
	INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 'ordinary');
});
is($node->safe_psql('src', q{
	SELECT count(*) FROM labeling.task_state ts JOIN labeling.tasks t USING (task_id)
	WHERE t.external_id = 'ordinary'}), '1', 'a session with check_function_bodies off only is not a restore');

$node->stop;
done_testing();
