package graph

import "io"

// CSVTable writes a review CSV as the graph's own tables are written (a
// header, then row(i) for i < n), every cell made safe for a spreadsheet:
// for the other reviews' reports (access review campaigns).
func CSVTable(w io.Writer, what string, header []string, n int, row func(i int) []string) error {
	return csvTable(w, what, header, n, row)
}
