package hsec

// #include <hsec.h>
// #include <stdlib.h>
import "C"

import (
	"fmt"
	"unsafe"
)

var documentFormats = map[string]C.hsec_format{"json": C.HSEC_FORMAT_JSON,
	"cbor": C.HSEC_FORMAT_CBOR, "container": C.HSEC_FORMAT_CONTAINER,
	"container-zlib": C.HSEC_FORMAT_CONTAINER_ZLIB}

// withFileLoader runs call on a new loader; its failure carries
// the loader's message.
func withFileLoader(call func(l *C.hsec_loader) C.int) error {
	var l *C.hsec_loader
	if err := lastErrmsg(func() C.int { return C.hsec_loader_new(&l, nil) }); err != nil {
		return err
	}
	defer C.hsec_loader_free(l)
	if rc := call(l); rc != 0 {
		return fail(rc, C.hsec_loader_errmsg(l))
	}
	return nil
}

// cStrings copies strings into a C array of C strings (a "" in nullable
// places becomes NULL); free releases them.
func cStrings(ss []string, nullable bool) (arr **C.char, free func()) {
	n := len(ss)
	if n == 0 {
		n = 1
	}
	mem := C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil))))
	view := unsafe.Slice((**C.char)(mem), n)
	for i, s := range ss {
		if !(nullable && s == "") {
			view[i] = cstr(s)
		}
	}
	return (**C.char)(mem), func() {
		for _, p := range view {
			C.free(unsafe.Pointer(p))
		}
		C.free(mem)
	}
}

func formatOf(format string) (C.hsec_format, error) {
	f, ok := documentFormats[format]
	if !ok {
		return 0, &Error{Code: ErrInvalid, Message: fmt.Sprintf("format %q is not json, cbor, container or "+
			"container-zlib", format)}
	}
	return f, nil
}

// Merge writes one scenario document, from the documents in the files
// inputs (any encoding), to out in format ("json", "cbor", "container",
// "container-zlib"): lists concatenated, an id or link given twice refused
// unless identical, each setting from one file (doc/format.md, "Merging").
// Nothing is written on failure.
func Merge(inputs []string, out, format string) error {
	f, err := formatOf(format)
	if err != nil {
		return err
	}
	arr, free := cStrings(inputs, false)
	defer free()
	o := cstr(out)
	defer C.free(unsafe.Pointer(o))
	return withFileLoader(func(l *C.hsec_loader) C.int {
		return C.hsec_loader_merge_files(l, arr, C.size_t(len(inputs)), o, f)
	})
}

// ImportCSV writes a scenario document from CSV tables (doc/format.md,
// "CSV tables") to out in format: each file's table by its name
// (groups.csv), or by tables[i] when tables is given (one per file; ""
// for by name). Errors name the file, the row and the column.
func ImportCSV(inputs []string, tables []string, out, format string) error {
	f, err := formatOf(format)
	if err != nil {
		return err
	}
	if tables != nil && len(tables) != len(inputs) {
		return &Error{Code: ErrInvalid, Message: fmt.Sprintf("ImportCSV: %d tables for %d files", len(tables),
			len(inputs))}
	}
	arr, free := cStrings(inputs, false)
	defer free()
	var tarr **C.char
	if tables != nil {
		var tfree func()
		tarr, tfree = cStrings(tables, true)
		defer tfree()
	}
	o := cstr(out)
	defer C.free(unsafe.Pointer(o))
	return withFileLoader(func(l *C.hsec_loader) C.int {
		return C.hsec_loader_import_csv(l, arr, tarr, C.size_t(len(inputs)), o, f)
	})
}

// ExportCSV writes the scenario document in the file scenario as CSV tables
// in dir (created if missing), one TABLE.csv per kind; ImportCSV of them
// gives the same document.
func ExportCSV(scenario, dir string) error {
	s := cstr(scenario)
	defer C.free(unsafe.Pointer(s))
	d := cstr(dir)
	defer C.free(unsafe.Pointer(d))
	return withFileLoader(func(l *C.hsec_loader) C.int {
		return C.hsec_loader_export_csv(l, s, d)
	})
}
