package hsec

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type exampleDoc struct {
	Measures []struct{ ID string } `json:"measures"`
	Packages []struct {
		ID       string
		Measures []string
	} `json:"packages"`
}

func readExample(t *testing.T) (string, exampleDoc) {
	path := filepath.Join(root(t), "examples", "energy-cascade.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d exampleDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return path, d
}

// A package's run equals the CLI's and the run with its measures named.
func TestRunPackageAndMeasures(t *testing.T) {
	path, d := readExample(t)
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pkg := d.Packages[0]
	r, err := s.RunPackage(pkg.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{}
	for _, m := range d.Measures {
		for _, p := range pkg.Measures {
			if m.ID == p {
				want = append(want, m.ID)
			}
		}
	}
	got, err := r.Measures()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("measures %v (%v), want %v", got, err, want)
	}
	byIDs, err := s.RunMeasures(pkg.Measures...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(byIDs.Q, r.Q) {
		t.Fatal("RunMeasures and RunPackage differ")
	}
	out, err := exec.Command(cli(t), "run", path, "--package", pkg.ID).Output()
	if err != nil {
		t.Fatal(err)
	}
	mine, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(out)) != strings.TrimSpace(string(mine)) {
		t.Fatal("RunPackage's document differs from hsec run --package")
	}
	none, err := s.RunPackage("none")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := none.Measures(); len(got) != 0 {
		t.Fatalf("none: %v", got)
	}
	empty, err := s.RunMeasures()
	if err != nil || !reflect.DeepEqual(empty.Q, none.Q) || reflect.DeepEqual(none.Q, r.Q) {
		t.Fatal("RunMeasures() is not the no-measure baseline")
	}
	if _, err := s.RunMeasures("no_such"); err == nil || !strings.Contains(err.Error(), "no_such") {
		t.Fatalf("unknown measure: %v", err)
	}
	if _, err := s.RunPackage("no_package"); err == nil || !strings.Contains(err.Error(), "no_package") {
		t.Fatalf("unknown package: %v", err)
	}
	all, _ := s.Rank()
	u, err := s.RankPackage(pkg.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.RankMeasures(pkg.Measures...)
	if err != nil || !reflect.DeepEqual(u, v) || reflect.DeepEqual(u, all) {
		t.Fatal("RankPackage, RankMeasures and Rank")
	}
}

func TestWarnings(t *testing.T) {
	doc := `{"hsec": 1, "regions": [{"id": "r"}],
 "groups": [{"id": "people", "region": "r", "size": 100}, {"id": "nobody", "region": "r", "size": 0}],
 "services": [{"id": "grid", "kind": "energy", "region": "r"}, {"id": "well", "kind": "water", "region": "r"}],
 "links": [{"from": "grid", "to": "people.health", "weight": 0.5}],
 "threats": [{"id": "strike", "start": 50, "targets": [{"node": "grid", "magnitude": 0.5}]}],
 "measures": [{"id": "pump", "kind": "protection", "effect": "recover", "delta": 0.1, "targets": [{"node": "well"}]}],
 "run": {"mode": "dynamic", "steps": 20, "record": ["grid"]}}`
	s, err := LoadBytes([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, err := s.Diagnose()
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{}
	for _, x := range w {
		codes = append(codes, x.Code)
	}
	if !reflect.DeepEqual(codes, []string{"never_in_force", "unreachable", "empty_group"}) ||
		!strings.Contains(w[2].Message, `"nobody"`) {
		t.Fatalf("scenario warnings %v", w)
	}
	r, err := s.Run()
	if err != nil {
		t.Fatal(err)
	}
	rw, err := r.Warnings()
	if err != nil || len(rw) != 1 || rw[0].Code != "flat_series" || !strings.Contains(rw[0].Message, "grid") {
		t.Fatalf("run warnings %v %v", rw, err)
	}
	if WarningName(WarnEmptyGroup) != "empty_group" || WarningName(0) != "" {
		t.Fatal("WarningName")
	}
}
