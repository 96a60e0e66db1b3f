package hsec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func example(t *testing.T, name string) string {
	return filepath.Join(root(t), "examples", name)
}

// runCLI returns the decoded JSON that the command line writes.
func runCLI(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, err := exec.Command(cli(t), args...).Output()
	if err != nil {
		t.Fatalf("hsec %v: %v", args, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func sameDoc(t *testing.T, what string, got []byte, want map[string]any) {
	t.Helper()
	var g map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !reflect.DeepEqual(g, want) {
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(want)
		t.Errorf("%s differs from the command line's:\n go: %.600s\ncli: %.600s", what, gb, wb)
	}
}

func load(t *testing.T, name string) *Scenario {
	t.Helper()
	s, err := Load(example(t, name))
	check(t, err)
	t.Cleanup(s.Close)
	return s
}

// Compare gives hsec compare's document, and its figures are the runs'.
func TestCompareEqualsTheCLI(t *testing.T) {
	for _, name := range []string{"energy-cascade.json", "collective-defence.json"} {
		s := load(t, name)
		c, err := s.Compare(context.Background())
		check(t, err)
		sameDoc(t, name+": compare", c.JSON(), runCLI(t, "compare", example(t, name)))
		packages := s.Packages()
		if len(c.Packages) != len(packages) || len(packages) == 0 {
			t.Fatalf("%s: %d package runs for %v", name, len(c.Packages), packages)
		}
		base, err := c.Baseline.Burden(BurdenTotal, 0)
		check(t, err)
		if m, _ := c.Baseline.Measures(); len(m) != 0 {
			t.Errorf("the baseline ran measures %v", m)
		}
		for i, p := range c.Packages {
			one, err := s.RunPackage(p.ID)
			check(t, err)
			total, err := one.Burden(BurdenTotal, 0)
			check(t, err)
			one.Close()
			info, err := s.PackageAt(i)
			check(t, err)
			if p.ID != packages[i] || p.Averted != base-total || p.Cost != info.Cost {
				t.Errorf("%s: package %d: %+v, want averted %v cost %v", name, i, p, base-total,
					info.Cost)
			}
			by, err := s.CompareBranches(c.Baseline, i)
			check(t, err)
			if !reflect.DeepEqual(by, p.ByBranch) {
				t.Errorf("%s: by branch %v, CompareBranches %v", name, p.ByBranch, by)
			}
		}
		c.Close()
	}
}

// Ranking gives hsec rank's document for each filter, and lists the nodes
// it lists.
func TestRankingEqualsTheCLI(t *testing.T) {
	path := example(t, "energy-cascade.json")
	s := load(t, "energy-cascade.json")
	for _, o := range []struct {
		opts RankOptions
		args []string
	}{
		{RankOptions{Top: 20}, nil},
		{RankOptions{Top: 0}, []string{"--top", "0"}},
		{RankOptions{Top: 5, Kind: "services"}, []string{"--top", "5", "--kind", "services"}},
		{RankOptions{Top: 20, Kind: "health"}, []string{"--kind", "health"}},
		{RankOptions{Top: 20, Kind: "energy", Region: "country"}, []string{"--kind", "energy", "--region", "country"}},
		{RankOptions{Top: 20, Region: "east"}, []string{"--region", "east"}},
		{RankOptions{Top: 20, In: Package("none")}, []string{"--package", "none"}},
		{RankOptions{Top: 3, In: Measures(s.Measures()[0])}, []string{"--top", "3", "--measures", s.Measures()[0]}},
	} {
		r, err := s.Ranking(context.Background(), o.opts)
		check(t, err)
		want := runCLI(t, append([]string{"rank", path}, o.args...)...)
		sameDoc(t, "rank "+strings.Join(o.args, " "), r.JSON(), want)
		listed := want["rank"].([]any)
		if len(listed) != len(r.Nodes) {
			t.Fatalf("rank %v: %d nodes, the document %d", o.args, len(r.Nodes), len(listed))
		}
		for i, n := range listed {
			node := n.(map[string]any)
			got := r.Nodes[i]
			if node["node"] != got.Name || node["marginal_burden"].(float64) != got.Marginal ||
				node["overall_influence"].(float64) != got.OverallInfluence {
				t.Errorf("rank %v: node %d is %+v, the document's %v", o.args, i, got, node)
			}
		}
		u, err := s.RankWith(context.Background(), o.opts.In)
		check(t, err)
		if !reflect.DeepEqual(u, r.Marginal) {
			t.Errorf("RankWith differs from Ranking's marginal")
		}
	}
	var e *Error
	if _, err := s.Ranking(context.Background(), RankOptions{Kind: "enrgy"}); !errors.As(err, &e) ||
		e.Code != ErrInvalid || !strings.Contains(e.Message, `"enrgy"`) ||
		!strings.Contains(e.Message, `did you mean "energy"`) {
		t.Errorf("an unknown kind: %v", err)
	}
	if _, err := s.Ranking(context.Background(), RankOptions{Region: "nowhere"}); !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), `"nowhere"`) {
		t.Errorf("an unknown region: %v", err)
	}
	if _, err := s.Ranking(context.Background(), RankOptions{Top: -1}); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "-1") {
		t.Errorf("top -1: %v", err)
	}
}

// Coupling by hand on a chain a -> b -> c with weights 0.5 and 0.4.
func TestCouplingAndInterdependency(t *testing.T) {
	m, err := NewModel()
	check(t, err)
	defer m.Close()
	check(t, m.AddLinks([]string{"a"}, []string{"b"}, []float64{0.5}, nil))
	check(t, m.AddLinksIndexed([]string{"x", "b", "c"}, []uint32{1}, []uint32{2}, []float64{0.4}, nil))
	if err := m.AddLinksIndexed([]string{"b"}, []uint32{3}, []uint32{0}, []float64{0.4}, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("an index past the names: %v", err)
	}
	for _, id := range []string{"a", "b", "c"} {
		check(t, m.AddService(id, ServiceWater.String(), ""))
	}
	s, err := m.Compile()
	check(t, err)
	defer s.Close()
	ctx := context.Background()
	c, err := s.Coupling(ctx, AllMeasures())
	check(t, err)
	a, _ := s.Node("a")
	b, _ := s.Node("b")
	cc, _ := s.Node("c")
	// dependency of i: sum of a'_ij over j != i, / (n-1); influence of j likewise.
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-12 }
	if !near(c.Dependency[b], 0.25) || !near(c.Dependency[cc], 0.2) || c.Dependency[a] != 0 ||
		!near(c.Influence[a], 0.25) || !near(c.Influence[b], 0.2) || c.Influence[cc] != 0 {
		t.Errorf("coupling %+v", c)
	}
	// overall: S = (I - A')^-1; (S 1)_c - 1 = 0.4 + 0.2
	if !near(c.OverallDependency[cc], 0.3) || !near(c.OverallInfluence[a], (0.5+0.2)/2) {
		t.Errorf("overall coupling %+v", c)
	}
	x, err := s.Interdependency(ctx, "c", "a", 2)
	check(t, err)
	if !near(x, 0.2) {
		t.Errorf("2nd-order interdependency of c on a: %v, want 0.2", x)
	}
	if x, _ := s.Interdependency(ctx, "c", "a", 1); x != 0 {
		t.Errorf("1st-order interdependency of c on a: %v, want 0", x)
	}
	if _, err := s.Interdependency(ctx, "c", "zz", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown node: %v", err)
	}
	if _, err := s.Interdependency(ctx, "c", "a", 0); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "n 0") {
		t.Errorf("n 0: %v", err)
	}
	o, err := s.Operator(AllMeasures(), -1)
	check(t, err)
	_, _, w, _, err := s.Links()
	check(t, err)
	if !reflect.DeepEqual(o.Weight, w) || len(o.Recovery) != 3 || o.Recovery[0] != 1 {
		t.Errorf("the static operator without vulnerability or measures: %+v, links %v", o, w)
	}
}

// Optimize gives hsec optimize's choice, greedy and exact.
func TestOptimizeEqualsTheCLI(t *testing.T) {
	path := example(t, "energy-cascade.json")
	s := load(t, "energy-cascade.json")
	for _, c := range []struct {
		search Search
		args   []string
	}{{SearchGreedy, nil}, {SearchExact, []string{"--exact"}}} {
		got, err := s.Optimize(context.Background(), 5000000, c.search, nil)
		check(t, err)
		want := runCLI(t, append([]string{"optimize", path, "--budget", "5000000"}, c.args...)...)
		sameDoc(t, "optimize "+c.search.String(), got.JSON(), want)
		if got.Cost > 5000000 || got.Averted <= 0 || got.Budget != 5000000 || len(got.Measures) != 2 {
			t.Errorf("%s: %+v", c.search, got)
		}
		// the choice's averted burden is the baseline's propagated burden minus its own
		base, err := s.RunPackage("none")
		check(t, err)
		with, err := s.RunMeasures(got.Measures...)
		check(t, err)
		b0, _ := base.Burden(BurdenPropagated, 0)
		b1, _ := with.Burden(BurdenPropagated, 0)
		if math.Abs(got.Averted-(b0-b1)) > 1e-9*b0 {
			t.Errorf("%s: averted %v, runs say %v", c.search, got.Averted, b0-b1)
		}
		base.Close()
		with.Close()
	}
	// the exact search in two ranges merges to the exact choice
	all := s.Measures()
	n := uint64(1) << len(all)
	ctx := context.Background()
	lo, err := s.OptimizeRange(ctx, 5000000, nil, 0, n/2)
	check(t, err)
	hi, err := s.OptimizeRange(ctx, 5000000, nil, n/2, n)
	check(t, err)
	best, err := MergeRanges(hi, lo)
	check(t, err)
	ids, err := s.OptimizeSubset(nil, best.Subset)
	check(t, err)
	exact, err := s.Optimize(ctx, 5000000, SearchExact, nil)
	check(t, err)
	if !reflect.DeepEqual(ids, exact.Measures) || math.Abs(best.Baseline-best.Burden-exact.Averted) > 1e-9*best.Baseline {
		t.Errorf("ranges: %+v %v, exact %+v", best, ids, exact)
	}
	if _, err := s.Optimize(ctx, -1, SearchGreedy, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("a budget below 0: %v", err)
	}
	if _, err := s.Optimize(ctx, 1, Search(7), nil); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "search 7") {
		t.Errorf("search 7: %v", err)
	}
	if _, err := s.Optimize(ctx, 1, SearchGreedy, []string{"nope"}); !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("an unknown candidate: %v", err)
	}
}

// Ensembles give hsec ensemble's document; parts merge to the whole.
func TestEnsembleEqualsTheCLI(t *testing.T) {
	path := example(t, "energy-cascade.json")
	s := load(t, "energy-cascade.json")
	check(t, s.Set(OptMembers, 24))
	check(t, s.Set(OptThreads, 2))
	ctx := context.Background()
	e, err := s.Ensemble(ctx, AllMeasures())
	check(t, err)
	defer e.Close()
	doc, err := e.JSON()
	check(t, err)
	sameDoc(t, "ensemble", doc, runCLI(t, "ensemble", path, "--members", "24", "--threads", "3"))
	if e.Members() != 24 {
		t.Errorf("members %d", e.Members())
	}
	// the median by hand from the members' values
	v, err := e.Values(QtyBurden, int(BurdenTotal), 0)
	check(t, err)
	p50, err := e.Quantile(QtyBurden, int(BurdenTotal), 0, 0.5)
	check(t, err)
	sorted := append([]float64(nil), v...)
	sortFloats(sorted)
	if len(v) != 24 || math.Abs(p50-(sorted[11]+sorted[12])/2) > 1e-9*p50 {
		t.Errorf("p50 %v from %v", p50, sorted)
	}
	// a package's ensemble is the command line's too
	pk, err := s.Ensemble(ctx, Package(s.Packages()[0]))
	check(t, err)
	doc, err = pk.JSON()
	check(t, err)
	sameDoc(t, "ensemble --package", doc, runCLI(t, "ensemble", path, "--members", "24",
		"--package", s.Packages()[0]))
	pk.Close()
	// in parts, through bytes, in any order
	a, err := s.EnsembleRange(ctx, AllMeasures(), 0, 10)
	check(t, err)
	b, err := s.EnsembleRange(ctx, AllMeasures(), 10, 24)
	check(t, err)
	bb, err := b.Bytes()
	check(t, err)
	b2, err := s.LoadEnsemble(bb)
	check(t, err)
	whole, err := MergeEnsembles(b2, a)
	check(t, err)
	w, err := whole.Values(QtyBurden, int(BurdenTotal), 0)
	check(t, err)
	if !reflect.DeepEqual(w, v) {
		t.Errorf("merged parts %v, whole %v", w, v)
	}
	if first, last, total, err := b.Range(); err != nil || first != 10 || last != 24 || total != 24 {
		t.Errorf("range %d %d %d %v", first, last, total, err)
	}
	table, width, err := whole.Table()
	check(t, err)
	if width == 0 || len(table) != 24*width {
		t.Fatalf("table of %d values, width %d", len(table), width)
	}
	again, err := s.EnsembleFromTable(AllMeasures(), 0, 24, table)
	check(t, err)
	if w2, _ := again.Values(QtyBurden, int(BurdenTotal), 0); !reflect.DeepEqual(w2, v) {
		t.Errorf("an ensemble from its table %v, whole %v", w2, v)
	}
	again.Close()
	if _, err := s.EnsembleFromTable(AllMeasures(), 0, 24, table[1:]); !errors.Is(err, ErrInvalid) {
		t.Errorf("a table one value short: %v", err)
	}
	if _, err := MergeEnsembles(a, a); !errors.Is(err, ErrInvalid) {
		t.Errorf("a part twice: %v", err)
	}
	if _, err := MergeEnsembles(a); !errors.Is(err, ErrInvalid) {
		t.Errorf("a missing part: %v", err)
	}
	for _, x := range []*Ensemble{a, b, b2, whole} {
		x.Close()
	}
	if _, err := e.Quantile(Quantity(9), 0, 0, 0.5); !errors.Is(err, ErrInvalid) {
		t.Errorf("quantity 9: %v", err)
	}
	check(t, s.SetQuantiles(0.1, 0.9))
	if q := s.Quantiles(); !reflect.DeepEqual(q, []float64{0.1, 0.9}) {
		t.Errorf("quantiles %v", q)
	}
	if err := s.SetQuantiles(1.5); !errors.Is(err, ErrInvalid) {
		t.Errorf("quantile 1.5: %v", err)
	}
}

func sortFloats(v []float64) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// A long dynamic run, for cancellation.
func longRun(t *testing.T) *Scenario {
	s := generated(t, 3000000)
	return s
}

// A canceled context stops a run: the error is context.Canceled and the
// library's ErrCanceled, and the scenario runs again afterwards.
func TestCancelRun(t *testing.T) {
	s := longRun(t)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var calls int
	check(t, s.SetProgress(func(done, total uint64) bool {
		calls++
		if calls == 3 {
			cancel()
		}
		return false
	}))
	start := time.Now()
	_, err := s.RunWith(ctx, AllMeasures())
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCanceled) {
		t.Fatalf("a canceled run: %v", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != ErrCanceled {
		t.Errorf("errors.As: %v", err)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("the run went on for %v", time.Since(start))
	}
	// a deadline
	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	check(t, s.SetProgress(nil))
	if _, err := s.RunWith(dctx, AllMeasures()); !errors.Is(err, context.DeadlineExceeded) ||
		!errors.Is(err, ErrCanceled) {
		t.Errorf("a run past its deadline: %v", err)
	}
	// already canceled: nothing starts
	if _, err := s.Compare(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("a comparison on a canceled context: %v", err)
	}
	// the progress function alone stops it, without a context's error
	check(t, s.SetProgress(func(done, total uint64) bool { return done > 0 }))
	if _, err := s.Run(); !errors.Is(err, ErrCanceled) || errors.Is(err, context.Canceled) {
		t.Errorf("stopped by the progress function: %v", err)
	}
	// a panic in it stops the call and is reported
	check(t, s.SetProgress(func(done, total uint64) bool { panic("boom") }))
	if _, err := s.Run(); !errors.Is(err, ErrCanceled) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("a panicking progress function: %v", err)
	}
	// the scenario called from its own progress function: busy, not a deadlock
	var inner error
	check(t, s.SetProgress(func(done, total uint64) bool {
		inner = s.Set(OptSteps, 5)
		return true
	}))
	if _, err := s.Run(); !errors.Is(err, ErrCanceled) || !errors.Is(inner, ErrState) ||
		!strings.Contains(inner.Error(), "busy") {
		t.Errorf("a call from the progress function: %v, then %v", inner, err)
	}
	check(t, s.SetProgress(nil))
	check(t, s.Set(OptSteps, 10))
	r, err := s.RunWith(context.Background(), AllMeasures())
	check(t, err)
	if r.Steps() != 10 || r.Mode() != ModeDynamic {
		t.Errorf("steps %d mode %v", r.Steps(), r.Mode())
	}
	r.Close()
}

// An ensemble canceled from another goroutine, on the library's threads.
func TestCancelEnsemble(t *testing.T) {
	s := generated(t, 20000)
	defer s.Close()
	check(t, s.SetUncertainty("weights", 0.5, 1, 1.5))
	check(t, s.Set(OptMembers, 1000000))
	check(t, s.Set(OptThreads, 4))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	if _, err := s.Ensemble(ctx, AllMeasures()); !errors.Is(err, context.Canceled) ||
		!errors.Is(err, ErrCanceled) {
		t.Errorf("a canceled ensemble: %v", err)
	}
}

// The typed options: every one of the fifteen, set and read back.
func TestTypedOptions(t *testing.T) {
	s := workedExample(t)
	defer s.Close()
	if len(Options()) != OptionCount {
		t.Fatalf("%d options", len(Options()))
	}
	for o := Option(0); int(o) < OptionCount; o++ {
		lo, hi, err := o.Bounds()
		check(t, err)
		def, err := o.Default()
		check(t, err)
		if (def < lo || def > hi) && o != OptSteps { // steps: none until set

			t.Errorf("%s: default %v outside [%v, %v]", o, def, lo, hi)
		}
		v := hi
		if o == OptBandShort {
			v = 2 // below the medium band
		}
		if o == OptBandMedium || o == OptSteps || o == OptMembers || o == OptMaxIterations || o == OptSeed {
			v = lo + 1
		}
		if whole, _ := o.Whole(); !whole && o != OptRecoveryLambda {
			v = (lo + hi) / 2
		} else if o == OptRecoveryLambda {
			v = 0.05
		}
		if err := s.Set(o, v); err != nil {
			t.Errorf("%s = %v: %v", o, v, err)
			continue
		}
		got, err := s.Value(o)
		check(t, err)
		named, _ := s.Option(o.String())
		if got != v || named != v {
			t.Errorf("%s: set %v, read %v and %v", o, v, got, named)
		}
	}
	check(t, s.SetMode(ModeStatic))
	if m, _ := s.Mode(); m != ModeStatic || m.String() != "static" || ModeDynamic.String() != "dynamic" {
		t.Errorf("mode %v", m)
	}
	if err := s.SetMode(Mode(2)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "mode 2") {
		t.Errorf("mode 2: %v", err)
	}
	if err := s.Set(Option(99), 1); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "99") {
		t.Errorf("option 99: %v", err)
	}
	if err := s.Set(OptSteps, -3); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "-3") {
		t.Errorf("steps -3: %v", err)
	}
	if OptSteps.String() != "run.steps" || OptMembers.String() != "uncertainty.members" {
		t.Errorf("keys %s %s", OptSteps, OptMembers)
	}
}

// The enumerations' names are the library's document names.
func TestEnumNames(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{DimHealth.String(), "health"}, {ServiceHealthCare.String(), "health_care"},
		{ServiceEconomicSector.String(), "economic_sector"}, {ThreatAdversary.String(), "adversary"},
		{Empowerment.String(), "empowerment"}, {ByNGO.String(), "ngo"},
		{ReduceVulnerability.String(), "reduce_vulnerability"}, {PhaseCrisis.String(), "crisis"},
		{BranchG9CIMIC.String(), "g9_cimic"}, {FlagDisplaced.String(), "displaced"},
		{TopicProtectionOfCivilians.String(), "protection_of_civilians"},
		{WarnFlatSeries.String(), "flat_series"}, {BurdenFlagPropagated.String(), "flag_propagated"},
		{FormatContainerZlib.String(), "container-zlib"}, {LimitMemory.String(), "memory"},
		{SearchExact.String(), "exact"}, {AtPeak.String(), "peak"}, {QtyRecorded.String(), "recorded"},
		{Dimension(42).String(), "42"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
	for y, p := range map[float64]Phase{0.1: PhaseMinimal, 0.2: PhaseStressed, 0.59: PhaseCrisis,
		0.8: PhaseCatastrophe, math.NaN(): PhaseMinimal} {
		if PhaseOf(y) != p {
			t.Errorf("PhaseOf(%v) = %v, want %v", y, PhaseOf(y), p)
		}
	}
	if Nearest("helth", []string{"health", "food"}) != "health" || Nearest("zzz", []string{"health"}) != "" {
		t.Error("Nearest")
	}
	m, _ := NewModel()
	defer m.Close()
	err := m.AddService("s", "enrgy", "")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `service kind "enrgy"`) ||
		!strings.Contains(err.Error(), `did you mean "energy"`) {
		t.Errorf("an unknown kind: %v", err)
	}
}

// errors.Is and errors.As with the library's codes.
func TestErrorCodes(t *testing.T) {
	s := workedExample(t)
	defer s.Close()
	err := s.Record("nowhere")
	var e *Error
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) || !errors.As(err, &e) ||
		e.Code != ErrNotFound || !strings.Contains(e.Message, "nowhere") {
		t.Errorf("an unknown node: %v", err)
	}
	if err := s.AddThreat("strike", "adversary", nil); !errors.Is(err, ErrExists) {
		t.Errorf("a duplicate threat: %v", err)
	}
	if ErrNotFound.Error() != "hsec: not found" && !strings.HasPrefix(ErrNotFound.Error(), "hsec: ") {
		t.Errorf("code text %q", ErrNotFound.Error())
	}
	s.Close()
	if _, err := s.Compare(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("a closed scenario: %v", err)
	}
	//lint:ignore SA1012 a nil context is refused, not a crash
	if _, err := workedExample(t).RunWith(nil, AllMeasures()); !errors.Is(err, ErrInvalid) { //nolint:staticcheck
		t.Errorf("a nil context: %v", err)
	}
}

// Calls with contexts from several goroutines: on one scenario they run
// one after the other, each stopped by its own context only.
func TestContextsInGoroutines(t *testing.T) {
	s := generated(t, 200)
	defer s.Close()
	want, err := s.Run()
	check(t, err)
	defer want.Close()
	wb, _ := want.Burden(BurdenTotal, 0)
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if g%2 == 1 {
				cancel()
			}
			r, err := s.RunWith(ctx, AllMeasures())
			if g%2 == 1 {
				if !errors.Is(err, context.Canceled) {
					done <- fmt.Errorf("goroutine %d: %v", g, err)
					return
				}
				done <- nil
				return
			}
			if err != nil {
				done <- err
				return
			}
			b, _ := r.Burden(BurdenTotal, 0)
			r.Close()
			if b != wb {
				done <- fmt.Errorf("goroutine %d: burden %v, want %v", g, b, wb)
				return
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// A comparison split by packages, the parts in any order (an empty one
// included), merges to Compare's document byte for byte.
func TestComparePartsMergeToTheWhole(t *testing.T) {
	s, err := Load(example(t, "collective-defence.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	whole, err := s.Compare(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := whole.JSON()
	whole.Close()
	for _, cuts := range [][][2]int{{{0, 3}}, {{2, 3}, {0, 2}}, {{1, 2}, {0, 0}, {0, 1}, {2, 3}}} {
		var parts [][]byte
		for _, c := range cuts {
			b, err := s.ComparePart(ctx, c[0], c[1])
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, b)
		}
		got, err := s.CompareMerge(ctx, parts...)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("cuts %v: the merged document differs from Compare's", cuts)
		}
	}
	a, _ := s.ComparePart(ctx, 0, 2)
	if _, err := s.CompareMerge(ctx, a); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "is in no part") {
		t.Fatalf("a missing package: %v", err)
	}
	if _, err := s.ComparePart(ctx, 2, 4); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a range beyond the packages: %v", err)
	}
}
