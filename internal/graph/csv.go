package graph

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// csvTable writes the review CSVs (findings, paths, who-can): a header,
// then the rows row(i) gives for i < n, every cell made safe for a
// spreadsheet. what names the table in errors.
func csvTable(w io.Writer, what string, header []string, n int, row func(i int) []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write %s CSV: %w", what, err)
	}
	for i := 0; i < n; i++ {
		r := row(i)
		for j, c := range r {
			r[j] = csvSafe(c)
		}
		if err := cw.Write(r); err != nil {
			return fmt.Errorf("write %s CSV: %w", what, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s CSV: %w", what, err)
	}
	return nil
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: IAM names
// may start with "=", "+", "-" or "@", and an imported account's names
// are anyone's.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
