package hsec_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"hsec.local/hsec"
)

// A grid strike cascades into water and then into the health of the elderly.
func Example() {
	m, err := hsec.NewModel()
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	m.AddRegion("east", "")
	m.AddGroup("elderly", "east", 120000)
	m.Set("elderly.health", "vulnerability", 1.5)
	m.AddService("grid", "energy", "east")
	m.AddService("water", "water", "east")
	m.AddLink("grid", "water", 0.6, 0)
	m.AddLink("water", "elderly.health", 0.5, 0)
	s, err := m.Compile()
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	s.AddThreat("strike", "adversary", map[string]float64{"grid": 0.8})
	r, err := s.Run() // static equilibrium, bounded
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	h, _ := s.Node("elderly.health")
	fmt.Printf("elderly health %.3f: 1st %.3f, 2nd %.3f, 3rd %.3f\n",
		r.Q[h], r.Orders[h][0], r.Orders[h][1], r.Orders[h][2])
	// Output: elderly health 0.360: 1st 0.000, 2nd 0.000, 3rd 0.360
}

// must stops an example on an error.
func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// cascade is the example's model with the typed names, a measure on the
// water link and two packages.
func cascade() *hsec.Scenario {
	m, err := hsec.NewModel()
	must(err)
	defer m.Close()
	must(m.AddRegion("east", ""))
	must(m.AddGroup("elderly", "east", 120000))
	must(m.Set("elderly.health", "vulnerability", 1.5))
	must(m.AddService("grid", hsec.ServiceEnergy.String(), "east"))
	must(m.AddService("water", hsec.ServiceWater.String(), "east"))
	must(m.AddLinks([]string{"grid", "water"}, []string{"water", "elderly.health"},
		[]float64{0.6, 0.5}, nil))
	s, err := m.Compile()
	must(err)
	must(s.AddThreat("strike", hsec.ThreatAdversary.String(), map[string]float64{"grid": 0.8}))
	must(s.AddMeasure("generators", hsec.Measure{Kind: hsec.Protection.String(),
		Effect: hsec.Decouple.String(), Actor: hsec.ByMilitary.String(), Strength: 0.5,
		Links: [][2]string{{"grid", "water"}}, Cost: 100}))
	must(s.AddMeasure("tanks", hsec.Measure{Kind: hsec.Empowerment.String(),
		Effect: hsec.Shield.String(), Actor: hsec.ByCommunity.String(), Strength: 0.2,
		Targets: []string{"grid"}, Cost: 40}))
	must(s.AddPackage("military", "generators"))
	must(s.AddPackage("community", "tanks"))
	return s
}

func ExampleScenario_RunWith() {
	s := cascade()
	defer s.Close()
	for _, in := range []hsec.InForce{hsec.Package("none"), hsec.Measures("tanks"), hsec.AllMeasures()} {
		r, err := s.RunWith(context.Background(), in)
		must(err)
		v, err := r.NodeValue("elderly.health")
		must(err)
		fmt.Printf("%s: %.3f\n", in, v.Q)
		r.Close()
	}
	// 0.8 on the grid, x 0.6 to water, x 0.5 x 1.5 to health; the tanks
	// shield a fifth of the grid, the generators halve its link to water.

	// Output:
	// package none: 0.360
	// measures tanks: 0.288
	// every measure: 0.144
}

func ExampleScenario_SetMode() {
	s := cascade()
	defer s.Close()
	must(s.SetMode(hsec.ModeDynamic))
	must(s.Set(hsec.OptSteps, 30))
	mode, _ := s.Mode()
	steps, _ := s.Value(hsec.OptSteps)
	lo, hi, _ := hsec.OptSteps.Bounds()
	fmt.Println(mode, hsec.OptSteps, steps, lo, hi)
	// Output: dynamic run.steps 30 1 1e+07
}

func ExampleResults_GroupFigures() {
	s := cascade()
	defer s.Close()
	r, err := s.Run()
	must(err)
	defer r.Close()
	f, err := r.GroupFigures("elderly", hsec.AtPeak)
	must(err)
	fmt.Printf("health %.3f (%s), index %.4f, freedom from want %.4f\n",
		f.Y[hsec.DimHealth], f.Phases[hsec.DimHealth], f.Index, f.Freedoms[1])
	// The index weighs the seven dimensions 1/7 each (0.144 / 7); freedom
	// from want is the mean of economic, food, health and environmental.

	// Output: health 0.144 (minimal), index 0.0206, freedom from want 0.0360
}

func ExampleScenario_Compare() {
	s := cascade()
	defer s.Close()
	c, err := s.Compare(context.Background())
	must(err)
	defer c.Close()
	for _, p := range c.Packages {
		fmt.Printf("%s: averts %.0f persons for %.0f, %.0f by measures of no branch\n", p.ID,
			p.Averted, p.Cost, p.ByBranch[hsec.BranchNone.String()])
	}
	// Output:
	// military: averts 3086 persons for 100, 3086 by measures of no branch
	// community: averts 1234 persons for 40, 1234 by measures of no branch
}

func ExampleScenario_Ranking() {
	s := cascade()
	defer s.Close()
	r, err := s.Ranking(context.Background(), hsec.RankOptions{Top: 2, Kind: "services"})
	must(err)
	for _, n := range r.Nodes {
		fmt.Printf("%s %.0f (influence %.4f)\n", n.Name, n.Marginal, n.Influence)
	}
	// Output:
	// water 12857 (influence 0.0938)
	// grid 3857 (influence 0.0375)
}

func ExampleScenario_Coupling() {
	s := cascade()
	defer s.Close()
	c, err := s.Coupling(context.Background(), hsec.Package("none"))
	must(err)
	water, _ := s.Node("water")
	x, err := s.Interdependency(context.Background(), "elderly.health", "grid", 2)
	must(err)
	fmt.Printf("water depends %.4f, influences %.4f; health on grid, 2nd order: %.3f\n",
		c.Dependency[water], c.Influence[water], x)
	// Output: water depends 0.0750, influences 0.0938; health on grid, 2nd order: 0.225
}

func ExampleScenario_Optimize() {
	s := cascade()
	defer s.Close()
	c, err := s.Optimize(context.Background(), 120, hsec.SearchExact, nil)
	must(err)
	fmt.Printf("%v cost %.0f averts %.0f\n", c.Measures, c.Cost, c.Averted)
	// Output: [generators] cost 100 averts 3086
}

func ExampleScenario_Ensemble() {
	s := cascade()
	defer s.Close()
	must(s.SetUncertainty("weights", 0.5, 1, 1.5))
	must(s.Set(hsec.OptMembers, 50))
	must(s.Set(hsec.OptSeed, 7))
	e, err := s.Ensemble(context.Background(), hsec.AllMeasures())
	must(err)
	defer e.Close()
	for _, q := range []float64{0.05, 0.5, 0.95} {
		b, err := e.Quantile(hsec.QtyBurden, int(hsec.BurdenTotal), 0, q)
		must(err)
		fmt.Printf("p%.0f %.0f\n", 100*q, b)
	}
	// Output:
	// p5 1503
	// p50 2645
	// p95 3851
}

// An ensemble in two parts, as two workers would run it, merged.
func ExampleMergeEnsembles() {
	s := cascade()
	defer s.Close()
	must(s.SetUncertainty("magnitudes", 0.5, 1, 1))
	must(s.Set(hsec.OptMembers, 10))
	ctx := context.Background()
	a, err := s.EnsembleRange(ctx, hsec.AllMeasures(), 0, 4)
	must(err)
	b, err := s.EnsembleRange(ctx, hsec.AllMeasures(), 4, 10)
	must(err)
	data, err := b.Bytes() // sent from the worker
	must(err)
	b2, err := s.LoadEnsemble(data)
	must(err)
	whole, err := hsec.MergeEnsembles(a, b2)
	must(err)
	first, last, total, _ := whole.Range()
	fmt.Println(first, last, total)
	// Output: 0 10 10
}

// A run stopped by its context.
func ExampleScenario_SetProgress() {
	s := cascade()
	defer s.Close()
	must(s.SetMode(hsec.ModeDynamic))
	must(s.Set(hsec.OptSteps, 1000000))
	ctx, cancel := context.WithCancel(context.Background())
	must(s.SetProgress(func(done, total uint64) bool {
		if done >= 1000 {
			cancel()
		}
		return false
	}))
	_, err := s.RunWith(ctx, hsec.AllMeasures())
	fmt.Println(errors.Is(err, context.Canceled), errors.Is(err, hsec.ErrCanceled))
	// Output: true true
}

func ExampleError() {
	s := cascade()
	defer s.Close()
	err := s.Record("elderly.wealth")
	var e *hsec.Error
	if errors.As(err, &e) {
		fmt.Println(errors.Is(err, hsec.ErrNotFound), e.Code == hsec.ErrNotFound)
	}
	// Output: true true
}

func ExampleScenario_Diagnose() {
	s := cascade()
	defer s.Close()
	must(s.AddMeasure("far", hsec.Measure{Kind: "protection", Effect: "recover",
		Actor: "ngo", Strength: 0.1, Targets: []string{"elderly.food"}}))
	w, err := s.Diagnose()
	must(err)
	for _, x := range w {
		fmt.Println(x.Kind)
	}
	// Output: unreachable
}

func ExampleScenario_Operator() {
	s := cascade()
	defer s.Close()
	o, err := s.Operator(hsec.AllMeasures(), -1)
	must(err)
	grid, _ := s.Node("grid")
	// Links by target node: water -> elderly.health (0.5 x 1.5), then grid
	// -> water (0.6 halved); the strike's 0.8 on the grid, a fifth shielded.
	fmt.Printf("%.2f %.2f\n", o.Weight, o.Perturbation[grid])
	// Output: [0.75 0.30] [0.64]
}

func ExampleLoad() {
	s, err := hsec.Load(filepath.Join("..", "..", "examples", "energy-cascade.json"))
	must(err)
	defer s.Close()
	fmt.Println(len(s.Threats()), len(s.Measures()), s.Packages())
	// Output: 2 4 [protection empowerment]
}

func ExampleMerge() {
	dir, err := os.MkdirTemp("", "hsec-example")
	must(err)
	defer os.RemoveAll(dir)
	s := cascade()
	defer s.Close()
	part := filepath.Join(dir, "part.json")
	must(s.SavePart(part, hsec.FormatJSON))
	out := filepath.Join(dir, "merged.cbor")
	must(hsec.Merge([]string{part}, out, hsec.FormatCBOR.String()))
	m, err := hsec.Load(out)
	must(err)
	defer m.Close()
	fmt.Println(m.Measures())
	// Output: [generators tanks]
}

func ExampleLoadBytes() {
	s, err := hsec.LoadBytes([]byte(`{"hsec": 1,
	  "services": [{"id": "grid", "kind": "energy"}, {"id": "water", "kind": "water"}],
	  "links": [{"from": "grid", "to": "water", "weight": 0.5}],
	  "threats": [{"id": "storm", "actor": "natural",
	    "targets": [{"node": "grid", "magnitude": 0.4}]}]}`))
	must(err)
	defer s.Close()
	r, err := s.Run()
	must(err)
	defer r.Close()
	v, _ := r.NodeValue("water")
	fmt.Printf("water %.2f, second order %.2f\n", v.Q, v.Orders[1])
	// Output: water 0.20, second order 0.20
}

func ExampleResults_Burden() {
	s := cascade()
	defer s.Close()
	r, err := s.RunWith(context.Background(), hsec.Package("none"))
	must(err)
	defer r.Close()
	total, _ := r.Burden(hsec.BurdenTotal, 0)
	third, _ := r.Burden(hsec.BurdenOrder, 2)
	adversary, _ := r.Burden(hsec.BurdenActor, int(hsec.ThreatAdversary))
	// 120,000 persons x 0.36 / 7, all of it third order and the adversary's
	fmt.Printf("%.1f %.1f %.1f\n", total, third, adversary)
	// Output: 6171.4 6171.4 6171.4
}

func ExampleModel_AddIOTable() {
	m, err := hsec.NewModel()
	must(err)
	defer m.Close()
	sectors, err := m.AddIOTable(hsec.IOTable{
		Z:       []float64{0, 20, 30, 0}, // farms sell 20 to mills; mills 30 to farms
		X:       []float64{100, 60},
		Sectors: []string{"Farms", "Mills"},
	})
	must(err)
	for _, sec := range sectors {
		fmt.Printf("%s base %.2f\n", sec.ID, sec.Base)
	}
	// Output:
	// Farms base 0.80
	// Mills base 0.50
}

func ExampleExportCSV() {
	dir, err := os.MkdirTemp("", "hsec-example")
	must(err)
	defer os.RemoveAll(dir)
	must(hsec.ExportCSV(filepath.Join("..", "..", "examples", "energy-cascade.json"), dir))
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	out := filepath.Join(dir, "again.json")
	must(hsec.ImportCSV(files, nil, out, "json"))
	s, err := hsec.Load(out)
	must(err)
	defer s.Close()
	fmt.Println(s.Packages())
	// Output: [protection empowerment]
}

func ExampleScenario_ReportHTMLContext() {
	s := cascade()
	defer s.Close()
	html, err := s.ReportHTMLContext(context.Background(), hsec.ReportOptions{Title: "East"})
	must(err)
	fmt.Println(html[:15])
	// Output: <!DOCTYPE html>
}

// The exact search split in two ranges, as two workers would run it.
func ExampleScenario_OptimizeRange() {
	s := cascade()
	defer s.Close()
	ctx := context.Background()
	lo, err := s.OptimizeRange(ctx, 120, nil, 0, 2)
	must(err)
	hi, err := s.OptimizeRange(ctx, 120, nil, 2, 4)
	must(err)
	best, err := hsec.MergeRanges(lo, hi)
	must(err)
	chosen, err := s.OptimizeSubset(nil, best.Subset)
	must(err)
	fmt.Printf("%v averts %.0f\n", chosen, best.Baseline-best.Burden)
	// Output: [generators] averts 3086
}

func ExamplePhaseOf() {
	fmt.Println(hsec.PhaseOf(0.1), hsec.PhaseOf(0.45), hsec.PhaseOf(0.9))
	// Output: minimal crisis catastrophe
}

// A dynamic run: with the default rates (1), the grid takes the strike's
// 0.8 from step 1 on.
func ExampleResults_Series() {
	s := cascade()
	defer s.Close()
	must(s.SetMode(hsec.ModeDynamic))
	must(s.Set(hsec.OptSteps, 4))
	must(s.Record("grid"))
	r, err := s.RunWith(context.Background(), hsec.Package("none"))
	must(err)
	defer r.Close()
	grid, err := r.Series("grid")
	must(err)
	fmt.Printf("%.3f\n", grid)
	// Output: [0.000 0.800 0.800 0.800 0.800]
}

func ExampleRankOrder() {
	order, err := hsec.RankOrder([]float64{0.2, 0.9, 0.2, 0.5})
	must(err)
	fmt.Println(order)
	// Output: [1 3 0 2]
}

func ExampleResults_Impact() {
	s := cascade()
	defer s.Close()
	r, err := s.RunWith(context.Background(), hsec.Package("none"))
	must(err)
	defer r.Close()
	all, err := r.Impact("population")
	must(err)
	fmt.Printf("%.0f people, %.4f per person\n", all.People, all.PerCapita)
	// Output: 120000 people, 0.0514 per person
}

func ExampleReadJSON() {
	dir, err := os.MkdirTemp("", "hsec-example")
	must(err)
	defer os.RemoveAll(dir)
	s := cascade()
	defer s.Close()
	path := filepath.Join(dir, "cascade.hsec")
	must(s.Save(path, hsec.FormatContainerZlib.String()))
	doc, err := hsec.ReadJSON(path)
	must(err)
	fmt.Println(len(doc) > 0, doc[0] == '{')
	// Output: true true
}

func ExampleWeightFromScale() {
	w, err := hsec.WeightFromScale(3, 5) // 0.008 x 3^2.5693
	must(err)
	fmt.Printf("%.4f\n", w)
	// Output: 0.1346
}

func ExampleScenario_ThreatAt() {
	s := cascade()
	defer s.Close()
	must(s.SetThreat("strike", "start", 2))
	th, err := s.ThreatAt(0)
	must(err)
	fmt.Println(th.ID, th.Actor, th.Start, th.Duration == hsec.Persistent, th.Magnitudes)
	// Output: strike adversary 2 true [0.8]
}
