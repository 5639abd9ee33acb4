# Fuzz truth_model input: random mutations of valid models, as text and as
# binary COPY data, either load (and can be read by every reader) or fail with
# a clear SQLSTATE, and the server never crashes; every value accepted either
# way round-trips exactly through text and binary.  Generated valid models of
# every method, with numbers at the edges of double precision in every field
# (in every JSON spelling) and keys at the ends of bigint, are all accepted,
# readable and round-trip exactly too.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use LabelingFuzz qw(mutate_text try_inputs accept_generated fuzz_binary check_round_trips json_number);
use List::Util qw(sum0 shuffle);

my $node = PostgreSQL::Test::Cluster->new('truth_fuzz');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE TABLE accepted (id serial, v labeling.truth_model);
	CREATE FUNCTION try_model(m labeling.truth_model) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		-- every reader must cope with any accepted value
		PERFORM count(*) FROM labeling.truth_tasks(m);
		PERFORM count(*) FROM labeling.truth_workers(m);
		PERFORM count(*) FROM labeling.truth_priors(m);
		PERFORM labeling.truth_diagnostics(m);
		PERFORM labeling.truth_label(m, 'a'), labeling.truth_posterior(m, 1::bigint);
		RETURN 'ok';
	END $$;
	CREATE FUNCTION try_text(s text) RETURNS text LANGUAGE plpgsql AS $$
	DECLARE
		m labeling.truth_model;
	BEGIN
		m := s::labeling.truth_model;
		INSERT INTO accepted (v) VALUES (m);
		RETURN try_model(m);
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
});
my $dir = PostgreSQL::Test::Utils::tempdir;

my @seeds = split /\n/, $node->safe_psql('postgres', 'SELECT model::text FROM seeds ORDER BY method');
is(scalar(@seeds), 4, 'four seed models');
my %s = try_inputs($node, 'try_text', @seeds);
is_deeply(\%s, { ok => 4 }, 'seed models read back');

srand(20261128);
my @alphabet = split //, q{{}[]":,.-+eE0123456789\\u abnulltrufIyxN} . "\t\n\f";

sub mutate { return mutate_text($_[0], \@alphabet, 3, 1); }

# 1. text mutations
my @inputs;
push @inputs, mutate($seeds[ int(rand(@seeds)) ]) for 1 .. 2000;
my %outcome = try_inputs($node, 'try_text', @inputs);
my @bad = grep { !/^(ok|22P02|22023|22000|22003|22P05|54000)$/ } keys %outcome;
is_deeply(\@bad, [], 'text: every mutation parses or fails with a data error SQLSTATE')
  or diag(explain \%outcome);
is(sum0(values %outcome), scalar(@inputs), 'text: every input was tried');
ok(($outcome{ok} // 0) > 0, 'text: some mutations still parse');
ok((scalar(keys %outcome)) > 2, 'text: several distinct error SQLSTATEs');
note('text: ', join(', ', map { "$_: $outcome{$_}" } sort keys %outcome));

# 2. generated valid models: every method, numbers at the edges in every field
sub json_string
{
	my ($s) = @_;
	$s =~ s/\\/\\\\/g;
	$s =~ s/"/\\"/g;
	$s =~ s/\n/\\n/g;
	return "\"$s\"";
}

# n distinct keys in the model's order: bigint (the ends of the range among them) or text
sub gen_keys
{
	my ($kind, $n) = @_;
	my %k;
	if ($kind eq 'bigint')
	{
		my @pool = ('-9223372036854775808', '9223372036854775807', '-1', '0', '1');
		$k{ rand() < 0.3 ? $pool[ int(rand(@pool)) ] : int(rand(2**40)) - 2**39 } = 1 while keys %k < $n;
		return sort { $a <=> $b } keys %k;
	}
	my @chars = ('a' .. 'e', 'A', '0', '9', ' ', '"', '\\', "\n");
	$k{ join('', map { $chars[ int(rand(@chars)) ] } 0 .. int(rand(4))) } = 1 while keys %k < $n;
	return sort { $a cmp $b } keys %k;
}

# n probabilities with edge values that sum to 1 (as JSON number strings), and their values
sub prob_vector
{
	my ($n) = @_;
	my ($sum, @v) = (0);
	for (1 .. $n - 1)
	{
		my $x = json_number('unit');
		$x = '0' if $sum + $x > 1;
		$sum += $x;
		push @v, $x;
	}
	push @v, 1 - $sum <= 0 ? '0' : sprintf('%.17g', 1 - $sum);
	return shuffle(@v);
}

sub gen_model
{
	my $method = (qw(wawa one_coin glad dawid_skene))[ int(rand(4)) ];
	my ($tk, $wk) = map { rand() < 0.5 ? 'bigint' : 'text' } 1 .. 2;
	my $K = 1 + int(rand(4));
	my $T = 1 + int(rand(5));
	my $W = 1 + int(rand($T));
	my @labels = gen_keys('text', $K);
	my @task_n = map { 1 + int(rand(4)) } 1 .. $T;
	my $N = sum0(@task_n);
	# N judgments over W workers, at least one each
	my @worker_n = (1) x $W;
	$worker_n[ int(rand($W)) ]++ for 1 .. $N - $W;
	my $iterations = int(rand(4));
	my $max_iterations = $method eq 'wawa' ? int(rand(3)) : $iterations + int(rand(3));
	my $bool = sub { rand() < 0.5 ? 'true' : 'false' };
	my $list = sub { '[' . join(', ', @_) . ']' };
	my $t = sprintf('{"format": 1, "method": "%s", "task_type": "%s", "worker_type": "%s", "labels": %s, '
		  . '"judgments": %d, "iterations": %d, "converged": %s, "max_iterations": %d, "tolerance": %s, '
		  . '"smoothing": %s, "crowdkit_compat": %s, "warm_start": %s, "priors": %s',
		$method, $tk, $wk, $list->(map { json_string($_) } @labels), $N, $iterations, $bool->(),
		$max_iterations, json_number('nonnegative'), json_number('nonnegative'), $bool->(), $bool->(),
		$list->(prob_vector($K)));
	my @pooled;    # pooled[c][k] = P(answered k | class c)
	if ($method eq 'dawid_skene')
	{
		@pooled = map { [ prob_vector($K) ] } 1 .. $K;
		$t .= ', "confusion_prior": ' . $list->(map { $list->(@$_) } @pooled);
	}
	$t .= ', "objective": ' . $list->(map { json_number('any') } 1 .. $iterations);
	my @tkeys = gen_keys($tk, $T);
	$t .= ', "tasks": ' . $list->(map {
		$list->($tk eq 'text' ? json_string($tkeys[$_]) : $tkeys[$_], $task_n[$_],
			rand() < 0.3 ? json_string($labels[ int(rand($K)) ]) : 'null', $list->(prob_vector($K)),
			$method eq 'glad' ? (json_number('any')) : ())
	} 0 .. $T - 1);
	my @wkeys = gen_keys($wk, $W);
	$t .= ', "workers": ' . $list->(map {
		my @w = ($wk eq 'text' ? json_string($wkeys[$_]) : $wkeys[$_], $worker_n[$_], json_number('unit'));
		push @w, json_number('any') if $method eq 'glad';
		if ($method eq 'dawid_skene')
		{
			# the labels the worker gave, and per class the weight of the pooled matrix for the
			# others: the given probabilities take what the pooled share leaves, so each
			# column sums to 1
			my @given = grep { rand() < 0.6 } 0 .. $K - 1;
			@given = (int(rand($K))) unless @given;
			my @rest = map { json_number('unit') } 1 .. $K;
			my @cols;
			for my $c (0 .. $K - 1)
			{
				my $unused = 1 - sum0(map { $pooled[$c][$_] } @given);
				$unused = 0 if $unused < 0;
				my $target = 1 - $rest[$c] * $unused;
				$target = 1 if $target > 1;
				my @q = prob_vector(scalar @given);
				$cols[$c] = [ map { sprintf('%.17g', $target * $_) } @q ];
			}
			push @w, $list->(map {
				my $i = $_;
				$list->(json_string($labels[ $given[$i] ]), $list->(map { $cols[$_][$i] } 0 .. $K - 1))
			} 0 .. $#given);
			push @w, $list->(@rest);
		}
		$list->(@w)
	} 0 .. $W - 1);
	return $t . '}';
}

my @generated = map { gen_model() } 1 .. 200;
accept_generated($node, 'try_text', @generated);

# 3. binary mutations: COPY the seeds out, corrupt the payloads, COPY each back in
fuzz_binary($node, type => 'labeling.truth_model',
	seeds => 'SELECT v FROM (SELECT v FROM accepted ORDER BY id DESC LIMIT 40) s UNION ALL SELECT model FROM seeds',
	count => 400, dir => $dir, after => 'SELECT try_model(v) FROM landing',
	ok_codes => qr/^(22P03|22023|22000|22003|22021|08P01|54000)$/);

# 4. every accepted value (text, generated or binary) round-trips exactly
check_round_trips($node, type => 'truth_model', table => 'accepted', dir => $dir, min => 200);

# the server is still up
is($node->safe_psql('postgres', 'SELECT count(*) FROM seeds'), '4', 'server survived');
$node->stop;
done_testing();
