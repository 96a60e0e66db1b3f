// The tutorial (doc/tutorial.md) in Go: the same numbers as tutorial.c.
package main

import (
	"fmt"
	"log"

	"hsec.local/hsec"
)

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func main() {
	// 1. the people and the services they depend on
	m, err := hsec.NewModel()
	must(err)
	must(m.AddRegion("east", ""))
	must(m.AddGroup("elderly", "east", 120000))
	must(m.Set("elderly.health", "vulnerability", 1.5))
	must(m.Set("elderly", "recovery", 0.1))
	must(m.AddGroup("children", "east", 90000))
	must(m.Set("children", "recovery", 0.15))
	for _, sv := range []struct {
		id, kind string
		k        float64
	}{{"grid", "energy", 0.2}, {"water", "water", 0.3}, {"clinic", "health_care", 0.25}} {
		must(m.AddService(sv.id, sv.kind, "east"))
		must(m.Set(sv.id, "recovery", sv.k))
	}
	// 2. how failure travels
	must(m.AddLink("grid", "water", 0.6, 0))
	must(m.AddLink("grid", "clinic", 0.5, 0))
	must(m.AddLink("water", "elderly.health", 0.5, 2))
	must(m.AddLink("clinic", "elderly.health", 0.4, 0))
	must(m.AddLink("water", "children.health", 0.3, 1))
	must(m.UseTemplate("dimensions"))
	s, err := m.Compile()
	must(err)
	m.Close()
	defer s.Close()
	// 3. the threat, a measure, the run
	must(s.AddThreat("strike", "adversary", map[string]float64{"grid": 0.8}))
	must(s.SetThreat("strike", "start", 1))
	must(s.SetThreat("strike", "duration", 30))
	must(s.AddMeasure("generators", hsec.Measure{Kind: "protection", Effect: "decouple",
		Actor: "military", Strength: 0.5, Links: [][2]string{{"grid", "water"}},
		Start: 5, Ramp: 5, Cost: 250000}))
	must(s.SetMode(hsec.ModeDynamic))
	must(s.Set(hsec.OptSteps, 60))
	r, err := s.Run()
	must(err)
	defer r.Close()
	// 4. what it says
	for _, name := range []string{"water", "elderly.health", "children.health"} {
		k, err := s.Node(name)
		must(err)
		o := r.Orders[k]
		fmt.Printf("%s q=%.17g orders=%.17g %.17g %.17g %.17g\n", name, r.Q[k], o[0], o[1], o[2], o[3])
	}
	for g := 0; g < 2; g++ {
		h, step, err := r.Group(g, true)
		must(err)
		fmt.Printf("group %d peak index=%.17g at step %d\n", g, h, step)
	}
	total, _ := r.Burden(hsec.BurdenTotal, 0)
	prop, _ := r.Burden(hsec.BurdenPropagated, 0)
	fmt.Printf("burden total=%.17g propagated=%.17g\n", total, prop)
}
