package hsec

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The example split in two and merged back loads as the whole; CSV tables
// of it read back to the same document; failures carry the message.
func TestMergeAndCSV(t *testing.T) {
	example := filepath.Join(root(t), "examples", "energy-cascade.json")
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	model, rest := map[string]any{}, map[string]any{"hsec": 1}
	for k, v := range doc {
		if k == "threats" || k == "measures" || k == "packages" {
			rest[k] = v
		} else {
			model[k] = v
		}
	}
	dir := t.TempDir()
	write := func(name string, v any) string {
		b, _ := json.Marshal(v)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := write("model.json", model), write("rest.json", rest)
	merged := filepath.Join(dir, "merged.cbor")
	if err := Merge([]string{a, b}, merged, "cbor"); err != nil {
		t.Fatal(err)
	}
	s, err := Load(merged)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	n := write("name.json", map[string]any{"hsec": 1, "name": "other"})
	err = Merge([]string{a, n}, filepath.Join(dir, "x.json"), "json")
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Error(), "\"name\" is set in both") {
		t.Fatalf("a second name: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); !os.IsNotExist(err) {
		t.Fatal("a failed merge wrote its output")
	}
	if err := Merge([]string{a}, filepath.Join(dir, "x.json"), "xml"); err == nil {
		t.Fatal("format xml accepted")
	}

	tables := filepath.Join(dir, "csv")
	if err := ExportCSV(example, tables); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(tables, "*.csv"))
	back := filepath.Join(dir, "back.json")
	if err := ImportCSV(files, nil, back, "json"); err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	rb, _ := os.ReadFile(back)
	if err := json.Unmarshal(rb, &got); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(raw, &want)
	if !reflect.DeepEqual(want, got) {
		t.Fatal("the CSV tables read back to another document")
	}

	bad := filepath.Join(dir, "g.csv")
	if err := os.WriteFile(bad, []byte("id,region,size\ng,r,lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = ImportCSV([]string{bad}, []string{"groups"}, filepath.Join(dir, "y.json"), "json")
	if err == nil || !strings.Contains(err.Error(), "g.csv: row 2, column 3 (size): \"lots\"") {
		t.Fatalf("a bad number: %v", err)
	}
}
