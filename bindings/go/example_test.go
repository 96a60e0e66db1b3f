package hsec_test

import (
	"fmt"
	"log"

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
