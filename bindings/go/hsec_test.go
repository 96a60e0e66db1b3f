package hsec

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func root(t *testing.T) string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func cli(t *testing.T) string {
	if p := os.Getenv("HSEC_CLI"); p != "" {
		return p
	}
	return filepath.Join(root(t), "build", "tools", "hsec")
}

// The results document equals `hsec run`'s on every example.
func TestResultsEqualTheCLI(t *testing.T) {
	examples, _ := filepath.Glob(filepath.Join(root(t), "examples", "*.json"))
	if len(examples) < 3 {
		t.Fatalf("examples: %v", examples)
	}
	for _, path := range examples {
		s, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Document()
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(cli(t), "run", path).Output()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var want map[string]any
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the results differ from hsec run", path)
		}
		nodes := want["nodes"].(map[string]any)
		for name, v := range nodes {
			i, err := s.Node(name)
			if err != nil {
				t.Fatal(err)
			}
			if r.Q[i] != v.(map[string]any)["q"].(float64) {
				t.Errorf("%s: q differs", name)
			}
		}
		r.Close()
		s.Close()
	}
}

// doc/model.md §4 through the builder.
func workedExample(t *testing.T) *Scenario {
	m, err := NewModel()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.AddRegion("east", ""))
	must(m.AddGroup("elderly", "east", 120000))
	must(m.Set("elderly.health", "vulnerability", 1.5))
	must(m.Set("elderly", "recovery", 0.1))
	must(m.AddService("grid", "energy", "east"))
	must(m.Set("grid", "recovery", 0.2))
	must(m.AddService("water", "water", "east"))
	must(m.Set("water", "recovery", 0.3))
	must(m.AddLink("grid", "water", 0.6, 0))
	must(m.AddLink("water", "elderly.health", 0.5, 2))
	s, err := m.Compile()
	must(err)
	must(s.AddThreat("strike", "adversary", map[string]float64{"grid": 0.8}))
	must(s.SetThreat("strike", "start", 1))
	must(s.SetThreat("strike", "duration", 30))
	must(s.SetOption("mode", 1))
	must(s.SetOption("steps", 40))
	for _, n := range []string{"grid", "water", "elderly.health"} {
		must(s.Record(n))
	}
	return s
}

func TestWorkedExample(t *testing.T) {
	s := workedExample(t)
	defer s.Close()
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	grid, _ := r.Series("grid")
	want := []float64{0, 0, 0.16, 0.288, 0.3904, 0.47232}
	for i, w := range want {
		if math.Abs(grid[i]-w) > 1e-12 {
			t.Errorf("grid[%d] = %v, want %v", i, grid[i], w)
		}
	}
	e, _ := r.Series("elderly.health")
	if math.Abs(e[30]-0.299786) > 1e-6 {
		t.Errorf("elderly.health[30] = %v", e[30])
	}
	h, _ := s.Node("elderly.health")
	if r.Orders[h][2] != r.Q[h] {
		t.Errorf("elderly.health is all third order: %v", r.Orders[h])
	}
	total, _ := r.Burden(BurdenTotal, 0)
	threat, _ := r.Burden(BurdenThreat, 0)
	if total <= 0 || total != threat {
		t.Errorf("burden %v, threat %v", total, threat)
	}
}

func TestErrors(t *testing.T) {
	m, _ := NewModel()
	var e *Error
	err := m.AddGroup("g", "r", -5)
	if !errors.As(err, &e) || e.Code != ErrInvalid || !strings.Contains(e.Message, "size -5") {
		t.Errorf("negative size: %v", err)
	}
	if err := m.AddGroup("g", "r", math.NaN()); err == nil || !strings.Contains(err.Error(), "size nan") {
		t.Errorf("NaN size: %v", err)
	}
	if err := m.AddService("s", "nuclear", ""); err == nil {
		t.Error("an unknown kind was accepted")
	}
	if err := m.Set("g", "colour", 1); err == nil {
		t.Error("an unknown parameter was accepted")
	}
	m.Close()
	m.Close()
	if err := m.AddRegion("x", ""); !errors.As(err, &e) || e.Code != ErrClosed {
		t.Errorf("a closed model: %v", err)
	}
	if _, err := Load("/nowhere/x.json"); !errors.As(err, &e) || e.Code != ErrIO {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := LoadBytes([]byte(`{"hsec": 1, "sise": 1}`)); err == nil ||
		!strings.Contains(err.Error(), `unknown key "sise"`) {
		t.Errorf("an unknown key: %v", err)
	}
	if _, err := LoadBytes(nil); !errors.As(err, &e) || e.Code != ErrFormat {
		t.Errorf("an empty document: %v", err)
	}
	s, err := LoadBytes([]byte(`{"hsec": 1, "services": [{"id": "a", "kind": "water"},
		{"id": "b", "kind": "water"}], "links": [{"from": "a", "to": "b", "weight": 1},
		{"from": "b", "to": "a", "weight": 1}], "threats": [{"id": "t", "targets":
		[{"node": "a", "magnitude": 0.5}]}], "run": {"bounded": false}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(); !errors.As(err, &e) || e.Code != ErrNoConv {
		t.Errorf("a diverging linear model: %v", err)
	}
	r := func() *Results { s.SetOption("bounded", 1); r, _ := s.Run(); return r }()
	s.Close()
	if _, err := s.Run(); !errors.As(err, &e) || e.Code != ErrClosed ||
		e.Message != "scenario is closed" {
		t.Errorf("a closed scenario: %v", err)
	}
	if doc, err := r.JSON(); err != nil || len(doc) == 0 {
		t.Errorf("results keep their closed scenario: %v", err)
	}
	r.Close()
	if _, err := r.Series("a"); !errors.As(err, &e) || e.Code != ErrClosed {
		t.Errorf("closed results: %v", err)
	}
	if len(r.Q) != 2 || r.Q[0] != 1 {
		t.Errorf("Q stays readable after Close: %v", r.Q)
	}
}

// Handles left to the finalizers do not crash or leak handles.
func TestFinalizers(t *testing.T) {
	for i := 0; i < 200; i++ {
		s := workedExample(t)
		if _, err := s.Run(); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
	if !strings.HasPrefix(Version(), "1.") {
		t.Errorf("version %s", Version())
	}
}

// A saved scenario loads again and runs to the same results document.
func TestSaveAndLoadAgain(t *testing.T) {
	examples, _ := filepath.Glob(filepath.Join(root(t), "examples", "*.json"))
	for _, path := range examples {
		s, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := r.Document()
		for _, f := range []string{"json", "cbor", "container", "container-zlib"} {
			out := filepath.Join(t.TempDir(), "saved."+f)
			if err := s.Save(out, f); err != nil {
				t.Fatal(err)
			}
			s2, err := Load(out)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := s2.Run()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := r2.Document()
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s as %s: results differ after saving", path, f)
			}
			s2.Close()
		}
		var e *Error
		if err := s.Save(filepath.Join(t.TempDir(), "x"), "yaml"); !errors.As(err, &e) || !strings.Contains(e.Message, "yaml") {
			t.Fatalf("format yaml: %v", err)
		}
		s.Close()
	}
}
