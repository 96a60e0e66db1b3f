package hsec

import (
	"math"
	"path/filepath"
	"reflect"
	"testing"
)

// Three groups, static linear, no links (tests/test_lens.c): burdens 12,
// 15 and 6; women 27 over 400 people, displaced 12 over 100.
func threeGroups(t *testing.T) *Scenario {
	m, err := NewModel()
	check(t, err)
	defer m.Close()
	check(t, m.AddRegion("r", ""))
	check(t, m.SetLabel("r", "Région"))
	check(t, m.AddGroup("a", "r", 100))
	check(t, m.AddGroup("b", "r", 300))
	check(t, m.AddGroup("c", "r", 600))
	check(t, m.SetGroupFlags("a", "women", "displaced"))
	check(t, m.SetGroupFlags("b", "women"))
	check(t, m.Set("a.economic", "baseline", 0.14))
	check(t, m.Set("c.economic", "baseline", 0.07))
	check(t, m.AddService("r:steel", "economic_sector", "r"))
	check(t, m.SetLabel("r:steel", "Basic iron and steel"))
	s, err := m.Compile()
	check(t, err)
	check(t, s.AddThreat("ta", "adversary", map[string]float64{"a.food": 0.7}))
	check(t, s.AddThreat("tb", "criminal", map[string]float64{"b.health": 0.35}))
	check(t, s.SetThreatTopics("ta", "protection_of_civilians", "children_and_armed_conflict"))
	check(t, s.SetOption("bounded", 0))
	return s
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}

func TestImpactsAndTopics(t *testing.T) {
	s := threeGroups(t)
	defer s.Close()
	r, err := s.Run()
	check(t, err)
	defer r.Close()
	women, err := r.Impact("women")
	check(t, err)
	near(t, "women burden", women.Burden, 27)
	near(t, "women propagated", women.Propagated, 25)
	near(t, "women per capita", women.PerCapita, 0.0675)
	near(t, "women ratio", women.Ratio, 0.0675/0.033)
	everyone, err := r.Impact("population")
	check(t, err)
	near(t, "everyone", everyone.Burden, 33)
	children, err := r.Impact("children")
	check(t, err)
	if children.People != 0 || !math.IsNaN(children.PerCapita) {
		t.Errorf("children %+v", children)
	}
	if _, err := r.Impact("nobody"); err == nil {
		t.Error("an unknown flag was taken")
	}
	ta, err := r.Burden(BurdenThreat, 0)
	check(t, err)
	poc, err := r.Burden(BurdenTopic, 0)
	check(t, err)
	none, err := r.Burden(BurdenTopic, TopicCount)
	check(t, err)
	tb, err := r.Burden(BurdenThreat, 1)
	check(t, err)
	if poc != ta || none != tb {
		t.Errorf("topics %g %g, threats %g %g", poc, none, ta, tb)
	}
	th, err := s.ThreatAt(0)
	check(t, err)
	if !reflect.DeepEqual(th.Topics, []string{"protection_of_civilians", "children_and_armed_conflict"}) {
		t.Errorf("topics %v", th.Topics)
	}
	regions, err := s.Regions()
	check(t, err)
	services, err := s.Services()
	check(t, err)
	if regions[0].Label != "Région" || services[0].Label != "Basic iron and steel" ||
		services[0].Kind != "economic_sector" {
		t.Errorf("labels %+v %+v", regions, services)
	}
	if err := s.SetThreatTopics("ta", "peace"); err == nil {
		t.Error("an unknown topic was taken")
	}
}

// A branch's figure is the run with the package's measures of that branch.
func TestCompareBranches(t *testing.T) {
	s, err := Load(filepath.Join(root(t), "examples", "collective-defence.json"))
	check(t, err)
	defer s.Close()
	base, err := s.RunPackage("none")
	check(t, err)
	defer base.Close()
	by, err := s.CompareBranches(base, 1) // protect_displaced
	check(t, err)
	want := map[string][]string{"military_police": {"joint_patrols"}, "medical": {"survivor_care"},
		"g9_cimic": {"shelter_coordination"}, "g4_logistics": {"vetted_supply_chains"}}
	if len(by) != len(want) {
		t.Fatalf("branches %v", by)
	}
	total, err := base.Burden(BurdenTotal, 0)
	check(t, err)
	for branch, ids := range want {
		r, err := s.RunMeasures(ids...)
		check(t, err)
		x, err := r.Burden(BurdenTotal, 0)
		check(t, err)
		r.Close()
		if by[branch] != total-x {
			t.Errorf("%s: %g, its run %g", branch, by[branch], total-x)
		}
	}
	m, err := s.MeasureAt(4)
	check(t, err)
	if m.Branch != "military_police" || !reflect.DeepEqual(m.Topics,
		[]string{"conflict_related_sexual_violence", "trafficking_in_human_beings"}) {
		t.Errorf("joint_patrols %+v", m)
	}
	check(t, s.SetMeasureBranch("joint_patrols", "g9_cimic"))
	if err := s.SetMeasureBranch("joint_patrols", "g6"); err == nil {
		t.Error("an unknown branch was taken")
	}
	if _, err := s.CompareBranches(base, 3); err == nil {
		t.Error("a package out of range was taken")
	}
}
