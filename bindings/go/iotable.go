package hsec

// #include <hsec.h>
// #include <stdlib.h>
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// IOTable is an input-output table for Model.AddIOTable
// (hsec_model_add_io_table). Its numbers are read where they lie, not
// copied: Z row-major, n x n (Z[i*n+j]: sales of sector i to sector j);
// either Y (final demand, n x K row-major, entries of any sign) or X
// (total output, n values).
type IOTable struct {
	Z       []float64
	Y       []float64
	K       int
	X       []float64
	Sectors []string // n labels
	Regions []string // n region labels of a multi-regional table, or nil
	Region  string   // a single-region table's region id, or "": national
	Model   string   // "demand" (default, Santos & Haimes 2004) or "supply" (Leung, Haimes & Santos 2007)
	// Coefficients below it make no link, in [0,1].
	MinWeight float64
}

// IOSector is what AddIOTable made of one sector: its service's id ("" for
// a sector dropped for having no flows and no final demand) and the base
// of a shock on it, so that cutting a fraction f of the sector's final
// demand (demand) or primary inputs (supply) is a threat target of
// magnitude f * Base (NaN for a dropped sector).
type IOSector struct {
	ID   string
	Base float64
}

// AddIOTable adds a table's economy: a service of kind economic_sector per
// sector and a link per technical coefficient >= MinWeight. It returns
// one IOSector per sector, in order.
func (m *Model) AddIOTable(t IOTable) ([]IOSector, error) {
	if err := m.hold(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	n := len(t.Sectors)
	bad := func(format string, a ...interface{}) ([]IOSector, error) {
		return nil, &Error{Code: ErrInvalid, Message: "AddIOTable: " + fmt.Sprintf(format, a...)}
	}
	if n == 0 {
		return bad("no sectors")
	}
	if len(t.Z) != n*n {
		return bad("Z has %d values, not %d x %d", len(t.Z), n, n)
	}
	if t.Regions != nil && len(t.Regions) != n {
		return bad("%d region labels for %d sectors", len(t.Regions), n)
	}
	if (t.Y == nil) == (t.X == nil) {
		return bad("give Y (final demand) or X (total output), one of them")
	}
	if t.Y != nil && (t.K <= 0 || len(t.Y) != n*t.K) {
		return bad("Y has %d values, not %d x K (K = %d)", len(t.Y), n, t.K)
	}
	if t.X != nil && len(t.X) != n {
		return bad("X has %d values, not %d", len(t.X), n)
	}
	model := C.HSEC_IO_DEMAND
	switch t.Model {
	case "", "demand":
	case "supply":
		model = C.HSEC_IO_SUPPLY
	default:
		return bad("model %q is not demand or supply", t.Model)
	}
	// The table and its labels in C memory; the numbers pinned where Go
	// keeps them, for the call.
	var pin runtime.Pinner
	defer pin.Unpin()
	tab := (*C.hsec_io_table)(C.calloc(1, C.size_t(unsafe.Sizeof(C.hsec_io_table{}))))
	ptrs := (*[1 << 30]*C.char)(C.calloc(C.size_t(2*n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))[: 2*n : 2*n]
	ids := (*[1 << 30]*C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
	defer func() {
		for _, p := range ptrs {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(&ptrs[0]))
		C.free(unsafe.Pointer(&ids[0]))
		C.free(unsafe.Pointer(tab.region))
		C.free(unsafe.Pointer(tab))
	}()
	tab.version = C.HSEC_IO_TABLE_VERSION
	tab.n = C.size_t(n)
	pin.Pin(&t.Z[0])
	tab.z = (*C.double)(unsafe.Pointer(&t.Z[0]))
	if t.Y != nil {
		pin.Pin(&t.Y[0])
		tab.y = (*C.double)(unsafe.Pointer(&t.Y[0]))
		tab.k = C.size_t(t.K)
	} else {
		pin.Pin(&t.X[0])
		tab.x = (*C.double)(unsafe.Pointer(&t.X[0]))
	}
	for i, s := range t.Sectors {
		ptrs[i] = cstr(s)
	}
	tab.sectors = &ptrs[0]
	if t.Regions != nil {
		for i, r := range t.Regions {
			ptrs[n+i] = cstr(r)
		}
		tab.regions = &ptrs[n]
	}
	if t.Region != "" {
		tab.region = cstr(t.Region)
	}
	tab.model = C.hsec_io_model(model)
	tab.min_weight = C.double(t.MinWeight)
	base := make([]float64, n)
	pin.Pin(&base[0])
	if err := m.do(C.hsec_model_add_io_table(&ids[0], (*C.double)(unsafe.Pointer(&base[0])),
		C.size_t(n), m.p, tab)); err != nil {
		return nil, err
	}
	out := make([]IOSector, n)
	for i := range out {
		out[i].Base = base[i]
		if ids[i] != nil {
			out[i].ID = C.GoString(ids[i])
		} else {
			out[i].Base = math.NaN()
		}
	}
	return out, nil
}
