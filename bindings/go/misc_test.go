package hsec

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A measure's duration: in force for that many steps, then gone.
func TestMeasureDuration(t *testing.T) {
	s := workedExample(t)
	defer s.Close()
	check(t, s.AddMeasure("brief", Measure{Kind: Protection.String(), Effect: Shield.String(),
		Actor: ByMilitary.String(), Strength: 1, Targets: []string{"grid"}, Start: 1, Duration: 5}))
	check(t, s.AddMeasure("always", Measure{Kind: "protection", Effect: "shield",
		Actor: "military", Strength: 0.5, Targets: []string{"grid"}}))
	brief, err := s.MeasureAt(0)
	check(t, err)
	always, err := s.MeasureAt(1)
	check(t, err)
	if brief.Duration != 5 || always.Duration != Persistent {
		t.Errorf("durations %v and %v", brief.Duration, always.Duration)
	}
	check(t, s.Record("grid"))
	r, err := s.RunMeasures("brief")
	check(t, err)
	grid, err := r.Series("grid")
	check(t, err)
	r.Close()
	// fully shielded on steps 1 .. 5, then the strike's 0.8 perturbs it: the
	// worked example's grid from step 6 on, five steps late
	for step := 0; step <= 6; step++ {
		if grid[step] != 0 {
			t.Errorf("grid[%d] = %v under the shield", step, grid[step])
		}
	}
	if math.Abs(grid[7]-0.16) > 1e-12 {
		t.Errorf("grid[7] = %v, want 0.16", grid[7])
	}
	check(t, s.SetMeasure("always", "duration", 0))
	if m, _ := s.MeasureAt(1); m.Duration != 0 {
		t.Errorf("SetMeasure duration 0: %v", m.Duration)
	}
	check(t, s.SetMeasure("always", "cost", 12))
	if m, _ := s.MeasureAt(1); m.Cost != 12 {
		t.Errorf("SetMeasure cost: %v", m.Cost)
	}
	if err := s.SetMeasure("always", "durtion", 1); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), `did you mean "duration"`) {
		t.Errorf("an unknown timing: %v", err)
	}
	if err := s.SetMeasure("never", "cost", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown measure: %v", err)
	}
}

// Results by group and node name agree with the index getters and the
// results document.
func TestResultsByName(t *testing.T) {
	s := load(t, "energy-cascade.json")
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	doc, err := r.Document()
	check(t, err)
	groups, err := s.Groups()
	check(t, err)
	for g, grp := range groups {
		i, err := r.GroupIndex(grp.ID)
		check(t, err)
		if i != g {
			t.Errorf("group %s: index %d, want %d", grp.ID, i, g)
		}
		f, err := r.GroupFigures(grp.ID, AtPeak)
		check(t, err)
		sum := 0.0
		for _, w := range grp.Weights {
			sum += w
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("group %s: weights %v", grp.ID, grp.Weights)
		}
		var index float64 // H = sum of w_d y_d
		for d, w := range grp.Weights {
			index += w * f.Y[d]
		}
		if math.Abs(index-f.Index) > 1e-12 {
			t.Errorf("group %s: index %v, sum of w y %v", grp.ID, f.Index, index)
		}
		h, step, err := r.Group(g, true)
		check(t, err)
		y, _ := r.GroupY(g, true)
		fr, _ := r.Freedoms(g, true)
		o, _ := r.GroupOrders(g, true)
		if f.Index != h || f.Step != step || f.Y != y || f.Freedoms != fr || f.Orders != o {
			t.Errorf("group %s: %+v", grp.ID, f)
		}
		for d := DimEconomic; d <= DimPolitical; d++ {
			if f.Phases[d] != PhaseOf(y[d]) {
				t.Errorf("group %s %s: phase %v", grp.ID, d, f.Phases[d])
			}
			step, lead, err := r.EarlyWarning(grp.ID, d)
			check(t, err)
			// never (-1, lead 0) unless the dimension reaches crisis, within the horizon
			if (step < 0 && lead != 0) || (step < 0 && y[d] >= 0.4) || step > int64(r.Steps()) {
				t.Errorf("early warning %s %s: %d %d", grp.ID, d, step, lead)
			}
		}
	}
	if r.GroupCount() != len(groups) || r.ThreatCount() != len(s.Threats()) {
		t.Errorf("counts %d %d", r.GroupCount(), r.ThreatCount())
	}
	nodes := doc["nodes"].(map[string]any)
	for name, v := range nodes {
		nv, err := r.NodeValue(name)
		check(t, err)
		if nv.Q != v.(map[string]any)["q"].(float64) {
			t.Errorf("node %s: q %v", name, nv.Q)
		}
	}
	if _, err := r.GroupFigures("east_resident", AtLast); !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), `did you mean "east_residents"`) {
		t.Errorf("an unknown group: %v", err)
	}
	if _, err := r.GroupFigures(groups[0].ID, At(5)); !errors.Is(err, ErrInvalid) {
		t.Errorf("at 5: %v", err)
	}
	if _, err := r.NodeValue("nowhere"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown node: %v", err)
	}
	if _, err := r.Burden(BurdenGroup, -1); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "-1") {
		t.Errorf("index -1: %v", err)
	}
	// threat shares and pervasiveness, checked against each other
	for h := range s.Threats() {
		share, pervasive, err := r.Pervasive(h)
		check(t, err)
		critical := 0.0
		for _, grp := range groups {
			_, c, err := r.ThreatShare(grp.ID, h)
			check(t, err)
			if c {
				critical += grp.Size
			}
		}
		total := 0.0
		for _, grp := range groups {
			total += grp.Size
		}
		ps, _ := s.Value(OptPervasiveShare)
		if math.Abs(share-critical/total) > 1e-12 || pervasive != (share >= ps) {
			t.Errorf("threat %d: pervasive %v %v, critical share %v", h, share, pervasive, critical/total)
		}
	}
}

// The scenario's own figures and settings.
func TestScenarioSettings(t *testing.T) {
	s := workedExample(t)
	defer s.Close()
	stamp := s.Stamp()
	check(t, s.SetStepUnit("week"))
	if s.StepUnit() != "week" || s.Stamp() == stamp {
		t.Errorf("step unit %q, stamp %d then %d", s.StepUnit(), stamp, s.Stamp())
	}
	if err := s.SetStepUnit("two weeks"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a bad unit: %v", err)
	}
	if got := s.Recorded(); !reflect.DeepEqual(got, []string{"grid", "water", "elderly.health"}) {
		t.Errorf("recorded %v", got)
	}
	b, err := s.Memory()
	check(t, err)
	check(t, s.SetLimit(LimitMemory, b/2))
	if l, _ := s.Limit(LimitMemory); l != b/2 {
		t.Errorf("limit %d", l)
	}
	if _, err := s.Run(); !errors.Is(err, ErrLimit) {
		t.Errorf("a run past the memory limit: %v", err)
	}
	if err := s.SetLimit(Limit(42), 1); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "42") {
		t.Errorf("limit 42: %v", err)
	}
	m, _ := NewModel()
	defer m.Close()
	check(t, m.SetLimit(LimitNodes, 3))
	if l, _ := m.Limit(LimitNodes); l != 3 {
		t.Errorf("model limit %d", l)
	}
	if l, _ := m.Limit(LimitLinks); l != math.MaxUint64 {
		t.Errorf("a limit not set: %d", l)
	}
	err = m.AddLinks([]string{"a"}, []string{"b", "c"}, []float64{1}, nil)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("mismatched columns: %v", err)
	}
	err = m.AddLinks([]string{"a", "b"}, []string{"b", "c"}, []float64{0.5, 1.5}, []float64{0, 1})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "links[1]") {
		t.Errorf("a bad weight: %v", err)
	}
	if w, err := WeightFromScore(2, 0.1, 2); err != nil || math.Abs(w-0.4) > 1e-15 {
		t.Errorf("WeightFromScore %v %v", w, err)
	}
	if w, err := WeightFromScale(5, 5); err != nil || math.Abs(w-0.008*math.Pow(5, 2.5693)) > 1e-12 {
		t.Errorf("WeightFromScale %v %v", w, err)
	}
	if _, err := WeightFromScale(5, 3); !errors.Is(err, ErrInvalid) {
		t.Errorf("a 3-point scale: %v", err)
	}
	if k, err := RecoveryRate(10, 0.01, 0); err != nil || math.Abs(k-(-math.Log(0.01)/10)) > 1e-15 {
		t.Errorf("RecoveryRate %v %v", k, err)
	}
}

// Documents: results saved and read back, converted, a part, the report
// of a saved file, a file written.
func TestDocuments(t *testing.T) {
	dir := t.TempDir()
	s := load(t, "energy-cascade.json")
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	want, err := r.Document()
	check(t, err)
	saved := filepath.Join(dir, "r.hsec")
	check(t, r.Save(saved, FormatContainerZlib))
	text, err := ReadJSON(saved)
	check(t, err)
	var got map[string]any
	check(t, json.Unmarshal(text, &got))
	if !reflect.DeepEqual(got, want) {
		t.Error("results read back differ")
	}
	asJSON := filepath.Join(dir, "r.json")
	check(t, Convert(saved, asJSON, FormatJSON))
	if err := Convert(saved, asJSON, Format(8)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "format 8") {
		t.Errorf("format 8: %v", err)
	}
	out, err := exec.Command(cli(t), "show", saved, "--format", "json").Output()
	check(t, err)
	var shown map[string]any
	check(t, json.Unmarshal(out, &shown))
	if !reflect.DeepEqual(shown, want) {
		t.Error("hsec show differs")
	}
	html, err := ReportHTMLFile(asJSON, "Saved")
	check(t, err)
	if !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "Saved") {
		t.Errorf("report %.80q", html)
	}
	if _, err := ReportHTMLFile(example(t, "energy-cascade.json"), ""); !errors.Is(err, ErrFormat) {
		t.Errorf("the report of a scenario file: %v", err)
	}
	part := filepath.Join(dir, "part.json")
	check(t, s.SavePart(part, FormatJSON))
	raw, err := os.ReadFile(part)
	check(t, err)
	if strings.Contains(string(raw), `"run"`) {
		t.Error("a part keeps its run settings")
	}
	check(t, WriteFile(filepath.Join(dir, "x.txt"), []byte("hello")))
	if b, _ := os.ReadFile(filepath.Join(dir, "x.txt")); string(b) != "hello" {
		t.Errorf("WriteFile wrote %q", b)
	}
	if err := WriteFile(dir, []byte("x")); !errors.Is(err, ErrIO) {
		t.Errorf("writing over a directory: %v", err)
	}
	// a report canceled by its context
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.ReportHTMLContext(ctx, ReportOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled report: %v", err)
	}
}

// Negative and out-of-range indices, nil arguments: errors naming them.
func TestBadIndices(t *testing.T) {
	s := workedExample(t)
	defer s.Close()
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	for what, call := range map[string]func() error{
		"ThreatAt: threat -1":         func() error { _, err := s.ThreatAt(-1); return err },
		"MeasureAt: measure -2":       func() error { _, err := s.MeasureAt(-2); return err },
		"PackageAt: package -1":       func() error { _, err := s.PackageAt(-1); return err },
		"Group: group -1":             func() error { _, _, err := r.Group(-1, true); return err },
		"GroupY: group -1":            func() error { _, err := r.GroupY(-1, true); return err },
		"GroupOrders: group -1":       func() error { _, err := r.GroupOrders(-1, true); return err },
		"Freedoms: group -1":          func() error { _, err := r.Freedoms(-1, false); return err },
		"CompareBranches: package -1": func() error { _, err := s.CompareBranches(r, -1); return err },
		"baseline is nil":             func() error { _, err := s.CompareBranches(nil, 0); return err },
		"Pervasive: threat -1":        func() error { _, _, err := r.Pervasive(-1); return err },
		"ThreatShare: threat -1":      func() error { _, _, err := r.ThreatShare("elderly", -1); return err },
		"dimension 9":                 func() error { _, _, err := r.EarlyWarning("elderly", 9); return err },
		"step -2":                     func() error { _, err := s.Operator(AllMeasures(), -2); return err },
		"MergeEnsembles: no parts":    func() error { _, err := MergeEnsembles(); return err },
	} {
		if err := call(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), what) {
			t.Errorf("%s: %v", what, err)
		}
	}
	if _, err := s.ThreatAt(5); !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
		t.Errorf("threat 5 of 1: %v", err)
	}
}

// A scenario without packages compares its baseline alone; InForce says
// what it puts in force.
func TestCompareWithoutPackages(t *testing.T) {
	s := workedExample(t)
	defer s.Close()
	c, err := s.Compare(context.Background())
	check(t, err)
	defer c.Close()
	r, err := s.RunWith(context.Background(), Measures())
	check(t, err)
	defer r.Close()
	a, _ := c.Baseline.Burden(BurdenTotal, 0)
	b, _ := r.Burden(BurdenTotal, 0)
	if len(c.Packages) != 0 || a != b || a <= 0 {
		t.Errorf("packages %v, baseline burden %v, run %v", c.Packages, a, b)
	}
	var doc map[string]any
	check(t, json.Unmarshal(c.JSON(), &doc))
	for in, want := range map[string]string{Measures().String(): "no measure",
		Measures("a", "b").String(): "measures a, b", Package("p").String(): "package p",
		AllMeasures().String(): "every measure"} {
		if in != want {
			t.Errorf("%q, want %q", in, want)
		}
	}
}
