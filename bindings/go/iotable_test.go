package hsec

import (
	"math"
	"strings"
	"testing"
)

// A 3-sector table against hand computation: Z = [10 20 0; 5 0 15; 0 30 40],
// final demand row sums 70, 80, 50, so x = 100, 100, 120.
func TestAddIOTable(t *testing.T) {
	z := []float64{10, 20, 0, 5, 0, 15, 0, 30, 40}
	y := []float64{70, 0, 90, -10, 40, 10}
	for _, c := range []struct {
		model string
		from  string
		to    string
		w     float64
		base  [3]float64
	}{
		{"demand", "Manufacturing", "agri", 20.0 / 100, [3]float64{0.7, 0.8, 50.0 / 120}},
		{"supply", "agri", "Manufacturing", 20.0 / 100, [3]float64{0.85, 0.5, 65.0 / 120}},
	} {
		m, err := NewModel()
		if err != nil {
			t.Fatal(err)
		}
		secs, err := m.AddIOTable(IOTable{Z: z, Y: y, K: 2, Model: c.model, Region: "east",
			Sectors: []string{"agri", "Manufacturing", "other services"}})
		if err != nil {
			t.Fatal(err)
		}
		if secs[2].ID != "other_services" {
			t.Errorf("%s: id %q", c.model, secs[2].ID)
		}
		for i, s := range secs {
			if math.Abs(s.Base-c.base[i]) > 1e-15 {
				t.Errorf("%s: base of %s %v, expected %v", c.model, s.ID, s.Base, c.base[i])
			}
		}
		s, err := m.Compile()
		if err != nil {
			t.Fatal(err)
		}
		rowp, from, weight, _, err := s.Links()
		if err != nil {
			t.Fatal(err)
		}
		to, err := s.Node(c.to)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for e := rowp[to]; e < rowp[to+1]; e++ {
			if s.NodeName(from[e]) == c.from {
				found = true
				if math.Abs(weight[e]-c.w) > 1e-15 {
					t.Errorf("%s: weight %v, expected %v", c.model, weight[e], c.w)
				}
			}
		}
		if !found {
			t.Errorf("%s: no link %s -> %s", c.model, c.from, c.to)
		}
		s.Close()
		// a negative flow is refused, naming the row and column
		bad := append([]float64(nil), z...)
		bad[5] = -1
		_, err = m.AddIOTable(IOTable{Z: bad, X: []float64{100, 100, 120}, Sectors: []string{"a", "b", "c"}})
		if err == nil || !strings.Contains(err.Error(), "row b, column c") {
			t.Errorf("negative flow: %v", err)
		}
		if _, err = m.AddIOTable(IOTable{Z: z, Sectors: []string{"a", "b", "c"}}); err == nil {
			t.Error("neither X nor Y: accepted")
		}
		m.Close()
	}
}
