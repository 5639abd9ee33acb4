# Fuzz truth_model input: random mutations of valid models, as text and as
# binary COPY data, either parse (and then round-trip exactly and can be read
# by every reader) or fail with a clear SQLSTATE; the server never crashes.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use LabelingFuzz qw(mutate_text);
use List::Util qw(sum0);

my $node = PostgreSQL::Test::Cluster->new('truth_fuzz');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE FUNCTION try_model(m labeling.truth_model) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		IF m::text::labeling.truth_model::text IS DISTINCT FROM m::text THEN
			RETURN 'ROUNDTRIP-MISMATCH ' || m::text;
		END IF;
		-- every reader must cope with any accepted value
		PERFORM count(*) FROM labeling.truth_tasks(m);
		PERFORM count(*) FROM labeling.truth_workers(m);
		PERFORM count(*) FROM labeling.truth_priors(m);
		PERFORM labeling.truth_diagnostics(m);
		PERFORM labeling.truth_label(m, 'a'), labeling.truth_posterior(m, 1::bigint);
		RETURN 'ok';
	END $$;
	CREATE FUNCTION try_text(s text) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		RETURN try_model(s::labeling.truth_model);
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END $$;
	CREATE TABLE seeds AS
	SELECT m.method, m.model FROM (
		SELECT 'dawid_skene' AS method, labeling.dawid_skene_agg(t, w, l, g) AS model
		FROM (VALUES ('a', 'x', 'p', 'p'), ('a', 'y', 'q', 'p'), ('b', 'x', 'q', NULL), ('b', 'y', 'q', NULL)) v(t, w, l, g)
		UNION ALL
		SELECT 'one_coin', labeling.one_coin_agg(t, w, l)
		FROM (VALUES (1::bigint, 1::bigint, 'p'), (1, 2, 'q'), (2, 1, 'q'), (3, 2, 'p')) v(t, w, l)
		UNION ALL
		SELECT 'glad', labeling.glad_agg(t, w, l)
		FROM (VALUES ('a', 1::bigint, 'p'), ('a', 2, 'q'), ('b', 1, 'q'), ('b', 2, 'q')) v(t, w, l)
		UNION ALL
		SELECT 'wawa', labeling.wawa_agg(t, w, l)
		FROM (VALUES (1::bigint, 'x', 'p'), (1, 'y', 'p'), (2, 'x', 'q')) v(t, w, l)) m;
	CREATE TABLE landing (m labeling.truth_model);
});

my @seeds = split /\n/, $node->safe_psql('postgres', 'SELECT model::text FROM seeds ORDER BY method');
is(scalar(@seeds), 4, 'four seed models');
for my $s (@seeds)
{
	my $q = $s; $q =~ s/'/''/g;
	is($node->safe_psql('postgres', "SELECT try_text('$q')"), 'ok', 'seed model reads back');
}

srand(20261128);
my @alphabet = split //, q{{}[]":,.-+eE0123456789\\u abnulltrufIy} . "\t\n";

sub mutate { return mutate_text($_[0], \@alphabet, 3, 1); }

# text input
my %outcome;
my @bad;
my @inputs;
push @inputs, mutate($seeds[ int(rand(@seeds)) ]) for 1 .. 2000;
for (my $start = 0; $start < @inputs; $start += 100)
{
	my $end = $start + 99 < $#inputs ? $start + 99 : $#inputs;
	my @batch = @inputs[ $start .. $end ];
	my $values = join(',', map { my $q = $_; $q =~ s/'/''/g; "(\$fz\$$_\$fz\$)" } @batch);
	my $res = $node->safe_psql('postgres', "SELECT try_text(s) FROM (VALUES $values) v(s)");
	for my $r (split /\n/, $res)
	{
		$outcome{$r}++;
		push @bad, $r unless $r eq 'ok' || $r =~ /^(22P02|22023|22000|22003|22P05|54000)$/;
	}
}
ok(!@bad, 'text: every mutation parses or fails with a data error SQLSTATE')
  or diag(join("\n", @bad[0 .. ($#bad < 5 ? $#bad : 5)]));
is(sum0(values %outcome), scalar(@inputs), 'text: every input was tried');
ok(($outcome{ok} // 0) > 0, 'text: some mutations still parse');
ok((scalar(keys %outcome)) > 2, 'text: several distinct error SQLSTATEs');
note(join(', ', map { "$_: $outcome{$_}" } sort keys %outcome));

# binary input: COPY the seeds out, corrupt the payloads, COPY them back in
my $dir = PostgreSQL::Test::Utils::tempdir;
my $out = "$dir/seeds.bin";
$node->safe_psql('postgres', "COPY (SELECT model FROM seeds ORDER BY method) TO '$out' WITH (FORMAT binary)");
open(my $fh, '<:raw', $out) or die "cannot read $out: $!";
my $bin = do { local $/; <$fh> };
close $fh;
# header: 11-byte signature, 4-byte flags, 4-byte extension length
my $hdr = substr($bin, 0, 19);
my $pos = 19;
my @payloads;
while (1)
{
	my $nfields = unpack('n!', substr($bin, $pos, 2));
	last if $nfields == -1;
	my $len = unpack('N', substr($bin, $pos + 2, 4));
	push @payloads, substr($bin, $pos + 6, $len);
	$pos += 6 + $len;
}
is(scalar(@payloads), 4, 'four binary payloads');

my %boutcome;
my @bbad;
for my $i (1 .. 400)
{
	my $p = $payloads[ int(rand(@payloads)) ];
	my $n = 1 + int(rand(4));
	for (1 .. $n)
	{
		my $op = int(rand(3));
		my $at = int(rand(length($p)));
		if ($op == 0) { substr($p, $at, 1) = chr(int(rand(256))); }
		elsif ($op == 1) { substr($p, $at, 4) = pack('N', int(rand(2**32))); }
		else { $p = substr($p, 0, $at); }
	}
	my $file = "$dir/fuzz.bin";
	open(my $w, '>:raw', $file) or die "cannot write $file: $!";
	print $w $hdr, pack('n', 1), pack('N', length($p)), $p, pack('n', 0xFFFF);
	close $w;
	my ($ret, $stdout, $stderr) = $node->psql('postgres',
		"TRUNCATE landing; COPY landing FROM '$file' WITH (FORMAT binary); SELECT try_model(m) FROM landing;",
		extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	if ($ret == 0)
	{
		$boutcome{$stdout}++;
		push @bbad, $stdout unless $stdout eq 'ok';
	}
	else
	{
		my ($code) = $stderr =~ /ERROR:\s+([0-9A-Z]{5}):/;
		$code //= 'none';
		$boutcome{$code}++;
		push @bbad, $stderr unless $code =~ /^(22P03|22023|22000|22003|22021|08P01|54000)$/;
	}
}
ok(!@bbad, 'binary: every corruption loads or fails with a data error SQLSTATE')
  or diag(join("\n", @bbad[0 .. ($#bbad < 5 ? $#bbad : 5)]));
note(join(', ', map { "$_: $boutcome{$_}" } sort keys %boutcome));

# the server is still up
is($node->safe_psql('postgres', 'SELECT count(*) FROM seeds'), '4', 'server survived');
$node->stop;
done_testing();
