package hsec

// #include <hsec.h>
// #include <stdlib.h>
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// Typed enumerations. Each has the library's values and a String method
// that gives the name a scenario document uses; the builder methods that
// take a name (AddService's kind, AddThreat's actor, Measure's Kind,
// Effect and Actor, ...) take that String.

// Dimension is one of the seven dimensions of human security, in the
// library's fixed order (an index into the [DimCount] arrays).
type Dimension int

// The dimensions.
const (
	DimEconomic      Dimension = C.HSEC_DIM_ECONOMIC
	DimFood          Dimension = C.HSEC_DIM_FOOD
	DimHealth        Dimension = C.HSEC_DIM_HEALTH
	DimEnvironmental Dimension = C.HSEC_DIM_ENVIRONMENTAL
	DimPersonal      Dimension = C.HSEC_DIM_PERSONAL
	DimCommunity     Dimension = C.HSEC_DIM_COMMUNITY
	DimPolitical     Dimension = C.HSEC_DIM_POLITICAL
)

func (d Dimension) String() string { return nameOf(C.HSEC_ENUM_DIMENSION, int(d)) }

// ServiceKind is the kind of a service.
type ServiceKind int

// The service kinds.
const (
	ServiceEnergy           ServiceKind = C.HSEC_SERVICE_ENERGY
	ServiceWater            ServiceKind = C.HSEC_SERVICE_WATER
	ServiceHealthCare       ServiceKind = C.HSEC_SERVICE_HEALTH_CARE
	ServiceFoodProduction   ServiceKind = C.HSEC_SERVICE_FOOD_PRODUCTION
	ServiceMarket           ServiceKind = C.HSEC_SERVICE_MARKET
	ServiceEducation        ServiceKind = C.HSEC_SERVICE_EDUCATION
	ServiceShelter          ServiceKind = C.HSEC_SERVICE_SHELTER
	ServiceCommunications   ServiceKind = C.HSEC_SERVICE_COMMUNICATIONS
	ServiceTransport        ServiceKind = C.HSEC_SERVICE_TRANSPORT
	ServicePolicingJustice  ServiceKind = C.HSEC_SERVICE_POLICING_JUSTICE
	ServiceGovernance       ServiceKind = C.HSEC_SERVICE_GOVERNANCE
	ServiceCulturalProperty ServiceKind = C.HSEC_SERVICE_CULTURAL_PROPERTY
	ServiceOther            ServiceKind = C.HSEC_SERVICE_OTHER
	ServiceEconomicSector   ServiceKind = C.HSEC_SERVICE_ECONOMIC_SECTOR
)

func (k ServiceKind) String() string { return nameOf(C.HSEC_ENUM_SERVICE_KIND, int(k)) }

// ThreatActor is who is behind a threat.
type ThreatActor int

// The threat actors.
const (
	ThreatOwn                ThreatActor = C.HSEC_THREAT_OWN
	ThreatAllied             ThreatActor = C.HSEC_THREAT_ALLIED
	ThreatAdversary          ThreatActor = C.HSEC_THREAT_ADVERSARY
	ThreatNonStateArmedGroup ThreatActor = C.HSEC_THREAT_NON_STATE_ARMED_GROUP
	ThreatCriminal           ThreatActor = C.HSEC_THREAT_CRIMINAL
	ThreatNatural            ThreatActor = C.HSEC_THREAT_NATURAL
	ThreatUnknown            ThreatActor = C.HSEC_THREAT_UNKNOWN
)

func (a ThreatActor) String() string { return nameOf(C.HSEC_ENUM_THREAT_ACTOR, int(a)) }

// MeasureKind is protection (top-down) or empowerment (bottom-up).
type MeasureKind int

// The measure kinds.
const (
	Protection  MeasureKind = C.HSEC_PROTECTION
	Empowerment MeasureKind = C.HSEC_EMPOWERMENT
)

func (k MeasureKind) String() string { return nameOf(C.HSEC_ENUM_MEASURE_KIND, int(k)) }

// MeasureActor is who carries a measure out.
type MeasureActor int

// The measure actors.
const (
	ByHostGovernment            MeasureActor = C.HSEC_BY_HOST_GOVERNMENT
	ByInternationalOrganisation MeasureActor = C.HSEC_BY_INTERNATIONAL_ORGANISATION
	ByMilitary                  MeasureActor = C.HSEC_BY_MILITARY
	ByNGO                       MeasureActor = C.HSEC_BY_NGO
	ByCommunity                 MeasureActor = C.HSEC_BY_COMMUNITY
	ByPrivateSector             MeasureActor = C.HSEC_BY_PRIVATE_SECTOR
)

func (a MeasureActor) String() string { return nameOf(C.HSEC_ENUM_MEASURE_ACTOR, int(a)) }

// Effect is what a measure does (doc/model.md §2).
type Effect int

// The effects.
const (
	Shield              Effect = C.HSEC_SHIELD
	Decouple            Effect = C.HSEC_DECOUPLE
	Recover             Effect = C.HSEC_RECOVER
	ReduceVulnerability Effect = C.HSEC_REDUCE_VULNERABILITY
)

func (e Effect) String() string { return nameOf(C.HSEC_ENUM_EFFECT, int(e)) }

// Phase is the insecurity phase of a value y.
type Phase int

// The phases: minimal < 0.2 <= stressed < 0.4 <= crisis < 0.6 <= emergency
// < 0.8 <= catastrophe.
const (
	PhaseMinimal     Phase = C.HSEC_PHASE_MINIMAL
	PhaseStressed    Phase = C.HSEC_PHASE_STRESSED
	PhaseCrisis      Phase = C.HSEC_PHASE_CRISIS
	PhaseEmergency   Phase = C.HSEC_PHASE_EMERGENCY
	PhaseCatastrophe Phase = C.HSEC_PHASE_CATASTROPHE
)

func (p Phase) String() string { return nameOf(C.HSEC_ENUM_PHASE, int(p)) }

// PhaseOf returns the phase of an insecurity value (NaN counts as minimal).
func PhaseOf(y float64) Phase { return Phase(C.hsec_phase_of(C.double(y))) }

// Branch is the staff function that owns a measure.
type Branch int

// The branches.
const (
	BranchNone                  Branch = C.HSEC_BRANCH_NONE
	BranchG1Personnel           Branch = C.HSEC_BRANCH_G1_PERSONNEL
	BranchG2Intelligence        Branch = C.HSEC_BRANCH_G2_INTELLIGENCE
	BranchG3Operations          Branch = C.HSEC_BRANCH_G3_OPERATIONS
	BranchG4Logistics           Branch = C.HSEC_BRANCH_G4_LOGISTICS
	BranchG5Plans               Branch = C.HSEC_BRANCH_G5_PLANS
	BranchG7Training            Branch = C.HSEC_BRANCH_G7_TRAINING
	BranchG8Resources           Branch = C.HSEC_BRANCH_G8_RESOURCES
	BranchG9CIMIC               Branch = C.HSEC_BRANCH_G9_CIMIC
	BranchMilitaryPolice        Branch = C.HSEC_BRANCH_MILITARY_POLICE
	BranchMedical               Branch = C.HSEC_BRANCH_MEDICAL
	BranchEngineering           Branch = C.HSEC_BRANCH_ENGINEERING
	BranchInformationOperations Branch = C.HSEC_BRANCH_INFORMATION_OPERATIONS
	BranchOther                 Branch = C.HSEC_BRANCH_OTHER
)

func (b Branch) String() string { return nameOf(C.HSEC_ENUM_BRANCH, int(b)) }

// Flag is a vulnerability flag of a group, by its bit position (also the
// index of Results.Burden's BurdenFlag parts).
type Flag int

// The flags.
const (
	FlagWomen Flag = iota
	FlagChildren
	FlagElderly
	FlagDisabled
	FlagIndigenous
	FlagDisplaced
	FlagMissing
	FlagMinority
)

func (f Flag) String() string { return nameOf(C.HSEC_ENUM_FLAG, int(f)) }

// Topic is one of NATO's cross-cutting topics, by its bit position (also
// the index of Results.Burden's BurdenTopic parts).
type Topic int

// The topics.
const (
	TopicProtectionOfCivilians Topic = iota
	TopicConflictRelatedSexualViolence
	TopicTraffickingInHumanBeings
	TopicChildrenAndArmedConflict
	TopicCulturalPropertyProtection
)

func (t Topic) String() string { return nameOf(C.HSEC_ENUM_TOPIC, int(t)) }

// nameOf is a value's document name, or "Type(n)" out of range.
func nameOf(which C.hsec_enum, value int) string {
	if value < 0 || value > 1<<20 {
		return fmt.Sprintf("%d", value)
	}
	n := C.hsec_enum_name(which, C.int(value))
	if n == nil {
		return fmt.Sprintf("%d", value)
	}
	return C.GoString(n)
}

// Mode is the kind of run: the static equilibrium or the dynamic steps.
type Mode int

// The modes.
const (
	ModeStatic  Mode = C.HSEC_MODE_STATIC
	ModeDynamic Mode = C.HSEC_MODE_DYNAMIC
)

func (m Mode) String() string {
	switch m {
	case ModeStatic:
		return "static"
	case ModeDynamic:
		return "dynamic"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// At is when a group's figures are read: at the last step or at the step
// where its vital-core index peaks (the same in a static run).
type At int

// The times.
const (
	AtLast At = C.HSEC_AT_LAST
	AtPeak At = C.HSEC_AT_PEAK
)

func (a At) String() string {
	if a == AtPeak {
		return "peak"
	}
	if a == AtLast {
		return "last"
	}
	return fmt.Sprintf("At(%d)", int(a))
}

func (a At) c() (C.hsec_at, error) {
	if a != AtLast && a != AtPeak {
		return 0, invalid("at %d is not AtLast or AtPeak", int(a))
	}
	return C.hsec_at(a), nil
}

// BurdenPart is a part of the burden (Results.Burden); its index argument
// is said at each.
type BurdenPart int

// Burden parts, as hsec_burden.
const (
	BurdenTotal          BurdenPart = C.HSEC_BURDEN_TOTAL      // index ignored
	BurdenBaseline       BurdenPart = C.HSEC_BURDEN_BASELINE   // index ignored
	BurdenPropagated     BurdenPart = C.HSEC_BURDEN_PROPAGATED // index ignored
	BurdenBand           BurdenPart = C.HSEC_BURDEN_BAND       // index 0 short, 1 medium, 2 long
	BurdenOrder          BurdenPart = C.HSEC_BURDEN_ORDER      // index 0..3: orders 1, 2, 3, 4+
	BurdenThreat         BurdenPart = C.HSEC_BURDEN_THREAT     // index: threat
	BurdenActor          BurdenPart = C.HSEC_BURDEN_ACTOR      // index: ThreatActor
	BurdenRegion         BurdenPart = C.HSEC_BURDEN_REGION     // index: region
	BurdenInitial        BurdenPart = C.HSEC_BURDEN_INITIAL    // index ignored
	BurdenGroup          BurdenPart = C.HSEC_BURDEN_GROUP      // index: group
	BurdenTopic          BurdenPart = C.HSEC_BURDEN_TOPIC      // index: Topic, or TopicCount: no topic
	BurdenFlag           BurdenPart = C.HSEC_BURDEN_FLAG       // index: Flag, or FlagCount: everyone
	BurdenFlagPropagated BurdenPart = C.HSEC_BURDEN_FLAG_PROPAGATED
)

var burdenNames = []string{"total", "baseline", "propagated", "band", "order", "threat",
	"actor", "region", "initial", "group", "topic", "flag", "flag_propagated"}

func (b BurdenPart) String() string {
	if b >= 0 && int(b) < len(burdenNames) {
		return burdenNames[b]
	}
	return fmt.Sprintf("BurdenPart(%d)", int(b))
}

// Search is how Optimize searches.
type Search int

// The searches.
const (
	// SearchGreedy adds the best marginal averted burden per cost, repeatedly.
	SearchGreedy Search = C.HSEC_SEARCH_GREEDY
	// SearchExact tries every subset within the budget (at most SearchExactMax candidates).
	SearchExact Search = C.HSEC_SEARCH_EXACT
)

func (s Search) String() string {
	switch s {
	case SearchGreedy:
		return "greedy"
	case SearchExact:
		return "exact"
	}
	return fmt.Sprintf("Search(%d)", int(s))
}

// Quantity is what an ensemble keeps of each member (Ensemble.Quantile).
type Quantity int

// The quantities.
const (
	QtyBurden    Quantity = C.HSEC_QTY_BURDEN     // index: a BurdenPart; sub: its index
	QtyGroupPeak Quantity = C.HSEC_QTY_GROUP_PEAK // index: group; its vital-core index at its peak
	QtyGroupLast Quantity = C.HSEC_QTY_GROUP_LAST // index: group; at the last step
	QtyRecorded  Quantity = C.HSEC_QTY_RECORDED   // index: node (recorded); its final q
)

func (q Quantity) String() string {
	names := []string{"burden", "group_peak", "group_last", "recorded"}
	if q >= 0 && int(q) < len(names) {
		return names[q]
	}
	return fmt.Sprintf("Quantity(%d)", int(q))
}

// Format is an encoding of a document (doc/format.md); String gives the
// name Save, Merge and the command line take.
type Format int

// The formats.
const (
	FormatJSON          Format = C.HSEC_FORMAT_JSON
	FormatCBOR          Format = C.HSEC_FORMAT_CBOR
	FormatContainer     Format = C.HSEC_FORMAT_CONTAINER
	FormatContainerZlib Format = C.HSEC_FORMAT_CONTAINER_ZLIB
)

func (f Format) String() string {
	for name, v := range documentFormats {
		if Format(v) == f {
			return name
		}
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Option is a run option (hsec_option); String gives its place in a
// scenario document ("run.steps", "uncertainty.members").
type Option int

// The run options.
const (
	OptMode           Option = C.HSEC_OPT_MODE            // ModeStatic (default) or ModeDynamic
	OptSteps          Option = C.HSEC_OPT_STEPS           // dynamic horizon
	OptBounded        Option = C.HSEC_OPT_BOUNDED         // 1 (default): clamp to [0,1]; 0: linear
	OptBandShort      Option = C.HSEC_OPT_BAND_SHORT      // last step of the short band
	OptBandMedium     Option = C.HSEC_OPT_BAND_MEDIUM     // last step of the medium band
	OptRecoveryLambda Option = C.HSEC_OPT_RECOVERY_LAMBDA // fraction a recovery time falls to
	OptSeed           Option = C.HSEC_OPT_SEED            // random seed
	OptMaxIterations  Option = C.HSEC_OPT_MAX_ITERATIONS  // static iteration cap
	OptCriticalShare  Option = C.HSEC_OPT_CRITICAL_SHARE  // share that makes a threat critical
	OptPervasiveShare Option = C.HSEC_OPT_PERVASIVE_SHARE // share that makes it pervasive
	OptAFCutoff       Option = C.HSEC_OPT_AF_CUTOFF       // Alkire-Foster deprivation cutoff z
	OptAFK            Option = C.HSEC_OPT_AF_K            // Alkire-Foster cutoff k
	OptMembers        Option = C.HSEC_OPT_MEMBERS         // ensemble members
	OptThreads        Option = C.HSEC_OPT_THREADS         // ensemble threads (0: one per processor)
	OptRunThreads     Option = C.HSEC_OPT_RUN_THREADS     // threads sharing one run's sweeps
	OptionCount              = int(C.HSEC_OPTION_COUNT)
)

// String returns the option's place in a scenario document.
func (o Option) String() string {
	if o >= 0 && int(o) < len(options) {
		return options[o]
	}
	return fmt.Sprintf("Option(%d)", int(o))
}

func (o Option) c() (C.hsec_option, error) {
	if o < 0 || int(o) >= len(options) {
		return 0, invalid("option %d is not one of the %d run options", int(o), len(options))
	}
	return C.hsec_option(o), nil
}

// Bounds returns the option's inclusive range.
func (o Option) Bounds() (lo, hi float64, err error) { return OptionBounds(o.String()) }

// Default returns the option's value until it is set.
func (o Option) Default() (float64, error) { return OptionDefault(o.String()) }

// Whole tells whether the option takes whole numbers only.
func (o Option) Whole() (bool, error) { return OptionWhole(o.String()) }

// Set sets a run option: s.Set(hsec.OptSteps, 60). SetMode sets the mode.
func (s *Scenario) Set(o Option, value float64) error {
	if err := s.hold(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	opt, err := o.c()
	if err != nil {
		return err
	}
	return s.do(C.hsec_scenario_set_option(s.p, opt, C.double(value)))
}

// Value returns a run option's value.
func (s *Scenario) Value(o Option) (float64, error) {
	if _, err := o.c(); err != nil {
		return 0, err
	}
	return s.Option(o.String())
}

// SetMode sets the kind of run, static (the default) or dynamic.
func (s *Scenario) SetMode(m Mode) error {
	if m != ModeStatic && m != ModeDynamic {
		return invalid("mode %d is not ModeStatic or ModeDynamic", int(m))
	}
	return s.Set(OptMode, float64(m))
}

// Mode returns the kind of run the scenario is set to.
func (s *Scenario) Mode() (Mode, error) {
	v, err := s.Value(OptMode)
	return Mode(v), err
}

// Limit is a limit on what input may ask for (hsec_limit); String gives
// the name Limits uses.
type Limit int

// The limits.
const (
	LimitNodes  Limit = C.HSEC_LIMIT_NODES
	LimitLinks  Limit = C.HSEC_LIMIT_LINKS
	LimitString Limit = C.HSEC_LIMIT_STRING
	LimitDepth  Limit = C.HSEC_LIMIT_DEPTH
	LimitSize   Limit = C.HSEC_LIMIT_SIZE
	LimitRatio  Limit = C.HSEC_LIMIT_RATIO
	LimitMemory Limit = C.HSEC_LIMIT_MEMORY
)

func (l Limit) String() string {
	for name, v := range limits {
		if Limit(v) == l {
			return name
		}
	}
	return fmt.Sprintf("Limit(%d)", int(l))
}

// enumNames lists the names of an enumeration, for messages.
func enumNames(which C.hsec_enum) []string {
	var out []string
	for v := 0; ; v++ {
		n := C.hsec_enum_name(which, C.int(v))
		if n == nil {
			return out
		}
		out = append(out, C.GoString(n))
	}
}

// Nearest returns the candidate nearest to name by edit distance when it
// is near (the library's "did you mean"), or "".
func Nearest(name string, candidates []string) string {
	if len(candidates) == 0 {
		return ""
	}
	arr, free := cStrings(candidates, false)
	defer free()
	n := cstr(name)
	defer C.free(unsafe.Pointer(n))
	got := C.hsec_nearest(n, arr, C.size_t(len(candidates)))
	if got == nil {
		return ""
	}
	return C.GoString(got)
}

// didYouMean is " (did you mean X?)" when a candidate is near, else "".
func didYouMean(name string, candidates []string) string {
	if n := Nearest(name, candidates); n != "" {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}

var enumWhat = map[C.hsec_enum]string{C.HSEC_ENUM_DIMENSION: "dimension",
	C.HSEC_ENUM_FLAG: "flag", C.HSEC_ENUM_SERVICE_KIND: "service kind",
	C.HSEC_ENUM_THREAT_ACTOR: "threat actor", C.HSEC_ENUM_MEASURE_KIND: "measure kind",
	C.HSEC_ENUM_MEASURE_ACTOR: "measure actor", C.HSEC_ENUM_EFFECT: "effect",
	C.HSEC_ENUM_PHASE: "phase", C.HSEC_ENUM_TOPIC: "topic", C.HSEC_ENUM_BRANCH: "branch"}

// unknownName is the error for a name that is none of an enumeration's.
func unknownName(which C.hsec_enum, name string) error {
	names := enumNames(which)
	return invalid("%s %q is not one of %s%s", enumWhat[which], name,
		strings.Join(names, ", "), didYouMean(name, names))
}
