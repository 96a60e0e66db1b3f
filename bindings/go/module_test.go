package hsec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The package used from a module outside the repository, as README.md
// says: a require and a replace line pointing at this directory, libhsec
// found by pkg-config. Offline: the replace needs no module proxy.
func TestFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	here, err := filepath.Abs(".")
	check(t, err)
	dir := t.TempDir()
	write := func(name, text string) {
		check(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("go.mod", "module example.com/planner\n\ngo 1.21\n\n"+
		"require hsec.local/hsec v0.0.0\n\nreplace hsec.local/hsec => "+here+"\n")
	write("main.go", `package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"hsec.local/hsec"
)

func main() {
	s, err := hsec.Load(os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer s.Close()
	c, err := s.Compare(context.Background())
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer c.Close()
	for _, p := range c.Packages {
		fmt.Printf("%s %.0f\n", p.ID, p.Averted)
	}
	err = s.Record("nowhere")
	fmt.Println(errors.Is(err, hsec.ErrNotFound), hsec.ModeDynamic, hsec.Version())
}
`)
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(gobin, "run", ".", filepath.Join(root(t), "examples", "energy-cascade.json"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run in another module: %v\n%s", err, out)
	}
	// the same figures as here
	s, err := Load(filepath.Join(root(t), "examples", "energy-cascade.json"))
	check(t, err)
	defer s.Close()
	var want strings.Builder
	for _, id := range s.Packages() {
		base, err := s.RunPackage("none")
		check(t, err)
		r, err := s.RunPackage(id)
		check(t, err)
		b0, _ := base.Burden(BurdenTotal, 0)
		b1, _ := r.Burden(BurdenTotal, 0)
		want.WriteString(id + " " + strings.TrimSpace(formatFloat(b0-b1)) + "\n")
		base.Close()
		r.Close()
	}
	want.WriteString("true dynamic " + Version() + "\n")
	if string(out) != want.String() {
		t.Errorf("another module printed:\n%s\nwant:\n%s", out, want.String())
	}
}

func formatFloat(x float64) string { return fmt.Sprintf("%.0f", x) }
