package hsec

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// The HTML report of an example, with the measures chosen and an ensemble.
func TestReportHTML(t *testing.T) {
	s, err := Load(filepath.Join(root(t), "examples", "energy-cascade.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page, err := s.ReportHTML(ReportOptions{Title: "Energy <cascade>"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "<title>Energy &lt;cascade&gt;</title>",
		`id="cascade"`, `id="comparison"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %s", want)
		}
	}
	if strings.Contains(page, "<script") || strings.Contains(page, `id="ensemble"`) {
		t.Error("a script or an ensemble nobody asked for")
	}
	page, err = s.ReportHTML(ReportOptions{Package: "none", Ensemble: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, "none (the no-measure baseline)") || !strings.Contains(page, `id="ensemble"`) {
		t.Error("the no-measure page with an ensemble is not that")
	}
	var e *Error
	if _, err = s.ReportHTML(ReportOptions{Measures: []string{"nope"}}); !errors.As(err, &e) || e.Code != ErrNotFound {
		t.Errorf("an unknown measure: %v", err)
	}
	if _, err = s.ReportHTML(ReportOptions{Ensemble: 2000000000}); !errors.As(err, &e) || e.Code != ErrInvalid ||
		!strings.Contains(e.Message, "ensemble_members") {
		t.Errorf("too many members: %v", err)
	}
}
