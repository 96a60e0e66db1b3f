package hsec

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var dimensions = []string{"economic", "food", "health", "environmental", "personal",
	"community", "political"}

// A model and scenario put together through the builder; the getters must
// give back what it put in.
func built(t *testing.T) *Scenario {
	m, err := NewModel()
	check(t, err)
	defer m.Close()
	check(t, m.AddRegion("country", ""))
	check(t, m.AddRegion("east", "country"))
	check(t, m.AddRegion("west", "country"))
	check(t, m.AddGroup("elderly", "east", 120000))
	check(t, m.Set("elderly.health", "vulnerability", 1.5))
	check(t, m.Set("elderly", "recovery", 0.1))
	check(t, m.Set("elderly.food", "baseline", 0.25))
	check(t, m.AddGroup("children", "west", 90000))
	check(t, m.Set("children", "recovery_time", 12))
	check(t, m.AddService("grid", "energy", "east"))
	check(t, m.Set("grid", "recovery", 0.2))
	check(t, m.AddService("radio", "communications", ""))
	check(t, m.AddService("water", "water", "west"))
	check(t, m.Set("water", "initial", 0.1))
	check(t, m.AddLink("grid", "water", 0.6, 0))
	check(t, m.AddLink("water", "children.health", 0.5, 2))
	check(t, m.AddLink("grid", "elderly.health", 0.3, 0))
	s, err := m.Compile()
	check(t, err)
	check(t, s.AddThreat("strike", "adversary", map[string]float64{"grid": 0.8, "elderly": 0.3}))
	check(t, s.SetThreat("strike", "start", 2))
	check(t, s.SetThreat("strike", "duration", 30))
	check(t, s.SetThreat("strike", "likelihood", 0.5))
	check(t, s.AddThreat("flood", "natural", map[string]float64{"water": 0.4}))
	check(t, s.AddMeasure("generators", Measure{Kind: "protection", Effect: "decouple",
		Actor: "military", Strength: 0.5, Links: [][2]string{{"grid", "water"}}, Start: 5,
		Ramp: 3, Cost: 250000}))
	check(t, s.AddMeasure("clinics", Measure{Kind: "empowerment", Effect: "recover",
		Actor: "ngo", Strength: 0.05, Targets: []string{"children"}}))
	check(t, s.AddPackage("all", "clinics", "generators"))
	check(t, s.AddPackage("nothing"))
	return s
}

func node(t *testing.T, s *Scenario, name string) int {
	t.Helper()
	i, err := s.Node(name)
	check(t, err)
	return i
}

func nodesOf(t *testing.T, s *Scenario, group string) []int {
	var out []int
	for _, d := range dimensions {
		out = append(out, node(t, s, group+"."+d))
	}
	sort.Ints(out)
	return out
}

func TestModelGetters(t *testing.T) {
	s := built(t)
	defer s.Close()
	regions, err := s.Regions()
	check(t, err)
	parent := map[string]string{}
	for _, r := range regions {
		if r.Parent == NoIndex {
			parent[r.ID] = ""
		} else {
			parent[r.ID] = regions[r.Parent].ID
		}
	}
	if !reflect.DeepEqual(parent, map[string]string{"country": "", "east": "country", "west": "country"}) {
		t.Errorf("regions %v", regions)
	}
	services, err := s.Services()
	check(t, err)
	region := func(i int) string {
		if i == NoIndex {
			return ""
		}
		return regions[i].ID
	}
	want := []Service{{"grid", "energy", 0, node(t, s, "grid"), ""},
		{"radio", "communications", 0, node(t, s, "radio"), ""},
		{"water", "water", 0, node(t, s, "water"), ""}}
	wantRegion := []string{"east", "", "west"}
	if len(services) != len(want) {
		t.Fatalf("services %v", services)
	}
	for i, sv := range services {
		if sv.ID != want[i].ID || sv.Kind != want[i].Kind || sv.Node != want[i].Node ||
			region(sv.Region) != wantRegion[i] {
			t.Errorf("service %d: %+v", i, sv)
		}
	}
	groups, err := s.Groups()
	check(t, err)
	if len(groups) != 2 || groups[0].ID != "elderly" || groups[1].ID != "children" ||
		region(groups[0].Region) != "east" || region(groups[1].Region) != "west" ||
		groups[0].Size != 120000 || groups[1].Node != node(t, s, "children.economic") {
		t.Errorf("groups %+v", groups)
	}
	if s.NodeCount() != 17 || s.NodeName(node(t, s, "grid")) != "grid" || s.NodeName(-1) != "" {
		t.Errorf("nodes: %d", s.NodeCount())
	}
	v, err := s.Params("vulnerability")
	check(t, err)
	k, err := s.Params("recovery")
	check(t, err)
	tau, err := s.Params("recovery_time")
	check(t, err)
	b, err := s.Params("baseline")
	check(t, err)
	q0, err := s.Params("initial")
	check(t, err)
	if v[node(t, s, "elderly.health")] != 1.5 || v[node(t, s, "elderly.food")] != 1 {
		t.Errorf("vulnerability %v", v)
	}
	for _, i := range nodesOf(t, s, "elderly") {
		if k[i] != 0.1 || tau[i] != 0 {
			t.Errorf("elderly recovery %v %v", k[i], tau[i])
		}
	}
	for _, i := range nodesOf(t, s, "children") {
		if k[i] != 1 || tau[i] != 12 {
			t.Errorf("children recovery %v %v", k[i], tau[i])
		}
	}
	if k[node(t, s, "grid")] != 0.2 || b[node(t, s, "elderly.food")] != 0.25 ||
		!math.IsNaN(b[node(t, s, "grid")]) || q0[node(t, s, "water")] != 0.1 || q0[node(t, s, "grid")] != 0 {
		t.Errorf("grid %v, baseline %v, initial %v", k, b, q0)
	}
	if _, err := s.Params("colour"); err == nil {
		t.Error("an unknown parameter was accepted")
	}
}

func TestScenarioGetters(t *testing.T) {
	s := built(t)
	defer s.Close()
	if !reflect.DeepEqual(s.Threats(), []string{"strike", "flood"}) ||
		!reflect.DeepEqual(s.Measures(), []string{"generators", "clinics"}) ||
		!reflect.DeepEqual(s.Packages(), []string{"all", "nothing"}) {
		t.Fatalf("%v %v %v", s.Threats(), s.Measures(), s.Packages())
	}
	strike, err := s.ThreatAt(0)
	check(t, err)
	mags := map[int]float64{node(t, s, "grid"): 0.8}
	for _, i := range nodesOf(t, s, "elderly") {
		mags[i] = 0.3
	}
	var nodes []int
	for i := range mags {
		nodes = append(nodes, i)
	}
	sort.Ints(nodes)
	var magnitudes []float64
	for _, i := range nodes {
		magnitudes = append(magnitudes, mags[i])
	}
	if !reflect.DeepEqual(strike, ThreatInfo{"strike", "adversary", 2, 30, 0.5, nodes, magnitudes, nil}) {
		t.Errorf("strike %+v", strike)
	}
	flood, err := s.ThreatAt(1)
	check(t, err)
	if !reflect.DeepEqual(flood, ThreatInfo{"flood", "natural", 0, Persistent, 1,
		[]int{node(t, s, "water")}, []float64{0.4}, nil}) {
		t.Errorf("flood %+v", flood)
	}
	rowp, from, _, _, err := s.Links()
	check(t, err)
	var cut []int
	water, grid := node(t, s, "water"), node(t, s, "grid")
	for e := rowp[water]; e < rowp[water+1]; e++ {
		if from[e] == grid {
			cut = append(cut, e)
		}
	}
	gen, err := s.MeasureAt(0)
	check(t, err)
	if !reflect.DeepEqual(gen, MeasureInfo{"generators", "protection", "decouple", "military",
		0.5, 5, 3, Persistent, 250000, cut, nil, "none"}) || len(cut) != 1 {
		t.Errorf("generators %+v, the link %v", gen, cut)
	}
	clinics, err := s.MeasureAt(1)
	check(t, err)
	if !reflect.DeepEqual(clinics, MeasureInfo{"clinics", "empowerment", "recover", "ngo",
		0.05, 0, 0, Persistent, 0, nodesOf(t, s, "children"), nil, "none"}) {
		t.Errorf("clinics %+v", clinics)
	}
	all, err := s.PackageAt(0)
	check(t, err)
	if !reflect.DeepEqual(all, PackageInfo{"all", []int{1, 0}, 250000}) {
		t.Errorf("package all %+v", all)
	}
	nothing, err := s.PackageAt(1)
	check(t, err)
	if nothing.ID != "nothing" || len(nothing.Measures) != 0 || nothing.Cost != 0 {
		t.Errorf("package nothing %+v", nothing)
	}
	check(t, s.SetUncertainty("weights", 0.5, 0.9, 1.5))
	if lo, mode, hi, err := s.Uncertainty("weights"); err != nil || lo != 0.5 || mode != 0.9 || hi != 1.5 {
		t.Errorf("weights %v %v %v %v", lo, mode, hi, err)
	}
	if lo, mode, hi, err := s.Uncertainty("recovery"); err != nil || lo != 1 || mode != 1 || hi != 1 {
		t.Errorf("recovery %v %v %v %v", lo, mode, hi, err)
	}
	var e *Error
	if _, err := s.ThreatAt(9); !errors.As(err, &e) || e.Message == "" {
		t.Errorf("threat 9: %v", err)
	}
}

func TestOptions(t *testing.T) {
	keys := Options()
	has := map[string]bool{}
	for _, k := range keys {
		has[k] = true
	}
	if len(has) != len(keys) || !has["run.steps"] || !has["run.bands[0]"] || !has["uncertainty.members"] {
		t.Fatalf("options %v", keys)
	}
	s := built(t)
	defer s.Close()
	for _, k := range keys {
		d, err := OptionDefault(k)
		check(t, err)
		x, err := s.Option(k)
		check(t, err)
		if x != d {
			t.Errorf("%s: %v, default %v", k, x, d)
		}
	}
	check(t, s.SetOption("uncertainty.members", 7))
	check(t, s.SetOption("bands[0]", 3))
	if x, _ := s.Option("uncertainty.members"); x != 7 {
		t.Errorf("members %v", x)
	}
	if x, _ := s.Option("run.bands[0]"); x != 3 {
		t.Errorf("bands[0] %v", x)
	}
	if lo, hi, err := OptionBounds("threads"); err != nil || lo != 0 || hi != 256 {
		t.Errorf("run.threads bounds %v %v %v", lo, hi, err)
	}
	if w, _ := OptionWhole("steps"); !w {
		t.Error("steps are whole")
	}
	if w, _ := OptionWhole("recovery_lambda"); w {
		t.Error("recovery_lambda is not whole")
	}
	if err := s.SetOption("colour", 1); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("an unknown option: %v", err)
	}
}

func TestRankOrder(t *testing.T) {
	order, err := RankOrder([]float64{0.5, 2, math.NaN(), 2, 1})
	check(t, err)
	if !reflect.DeepEqual(order, []int{1, 3, 4, 0, 2}) {
		t.Errorf("order %v", order)
	}
	if order, err := RankOrder(nil); err != nil || len(order) != 0 {
		t.Errorf("no nodes: %v %v", order, err)
	}
	s := built(t)
	defer s.Close()
	u, err := s.Rank()
	check(t, err)
	order, err = RankOrder(u)
	check(t, err)
	for i := 1; i < len(order); i++ {
		if u[order[i-1]] < u[order[i]] {
			t.Errorf("not decreasing: %v", order)
		}
	}
}

func TestGroupFigures(t *testing.T) {
	s := built(t)
	defer s.Close()
	check(t, s.SetOption("mode", 1))
	check(t, s.SetOption("steps", 40))
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	for g, base := range [][DimCount]float64{{0, 0.25}, {}} {
		for _, peak := range []bool{false, true} {
			y, err := r.GroupY(g, peak)
			check(t, err)
			p, err := r.GroupOrders(g, peak)
			check(t, err)
			for d := range y {
				sum := 0.0
				for _, x := range p[d] {
					sum += x
				}
				if math.Abs(sum-(y[d]-base[d])) > 1e-12 {
					t.Errorf("group %d %s: orders %v, y %v", g, dimensions[d], p[d], y[d])
				}
			}
			f, err := r.Freedoms(g, peak)
			check(t, err)
			if math.Abs(f[1]-(y[0]+y[1]+y[2]+y[3])/4) > 1e-12 || math.Abs(f[2]-(y[6]+y[5])/2) > 1e-12 {
				t.Errorf("freedoms %v of y %v", f, y)
			}
		}
	}
	af, err := r.Multidimensional(true)
	check(t, err)
	if math.Abs(af[2]-af[0]*af[1]) > 1e-12 {
		t.Errorf("M0 %v", af)
	}
}

// A failure on a result carries the library's message from its thread.
func TestReadOnlyFailures(t *testing.T) {
	s := built(t)
	defer s.Close()
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	var e *Error
	for _, call := range []func() error{
		func() error { _, _, err := r.Group(99, true); return err },
		func() error { _, err := r.Freedoms(99, false); return err },
		func() error { _, err := r.Burden(BurdenGroup, 99); return err },
	} {
		err := call()
		if !errors.As(err, &e) || e.Code >= 0 || !strings.Contains(e.Message, "99") {
			t.Errorf("group 99: %v", err)
		}
	}
	if _, err := s.Node("nowhere"); !errors.As(err, &e) || e.Code != ErrNotFound ||
		!strings.Contains(e.Message, "nowhere") {
		t.Errorf("node nowhere: %v", err)
	}
}

func TestVersionMajor(t *testing.T) {
	for _, n := range []int{10000, 10001, 10100, 19999} {
		if !accepts(n) {
			t.Errorf("%d refused", n)
		}
	}
	for _, n := range []int{0, 100, 9999, 20000, 20100} {
		if accepts(n) {
			t.Errorf("%d accepted", n)
		}
	}
	if !accepts(VersionNumber()) || !strings.HasPrefix(Version(), "1.") {
		t.Errorf("the linked library: %s (%d)", Version(), VersionNumber())
	}
}

// Goroutines failing at once each get their own call's message, though the
// library keeps it per thread and goroutines move between threads.
func TestMessagesOfGoroutines(t *testing.T) {
	s := built(t)
	defer s.Close()
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	errs := make(chan string, 64)
	for g := 0; g < cap(errs); g++ {
		go func(g int) {
			var msg string
			for k := 0; k < 200 && msg == ""; k++ {
				_, _, err := r.Group(100+g, k%2 == 0)
				if e := (*Error)(nil); !errors.As(err, &e) ||
					!strings.Contains(e.Message, strconv.Itoa(100+g)) {
					msg = fmt.Sprintf("group %d: %v", 100+g, err)
				}
				runtime.Gosched()
			}
			errs <- msg
		}(g)
	}
	for g := 0; g < cap(errs); g++ {
		if msg := <-errs; msg != "" {
			t.Error(msg)
		}
	}
}

// A struck bridge that fails at once (onset_time 0) is at the strike's
// magnitude after one step; the onset rates say so.
func TestOnset(t *testing.T) {
	m, err := NewModel()
	check(t, err)
	defer m.Close()
	check(t, m.AddRegion("r", ""))
	check(t, m.AddService("bridge", "transport", "r"))
	check(t, m.Set("bridge", "recovery_time", 120))
	check(t, m.Set("bridge", "onset_time", 0))
	s, err := m.Compile()
	check(t, err)
	defer s.Close()
	check(t, s.AddThreat("strike", "adversary", map[string]float64{"bridge": 0.9}))
	check(t, s.SetOption("mode", 1))
	check(t, s.SetOption("steps", 2))
	check(t, s.Record("bridge"))
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	q, err := r.Series("bridge")
	check(t, err)
	if len(q) != 3 || q[1] != 0.9 || q[2] != 0.9 {
		t.Fatalf("bridge series %v, want 0, 0.9, 0.9", q)
	}
	ko, err := s.OnsetRates()
	check(t, err)
	if len(ko) != 1 || ko[0] != 1 {
		t.Fatalf("onset rates %v, want [1]", ko)
	}
	given, err := s.Params("onset_time")
	check(t, err)
	if given[0] != 0 {
		t.Fatalf("onset_time as given %v, want 0", given[0])
	}
}
