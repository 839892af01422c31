package handlers

import "testing"

func TestFileNamePart(t *testing.T) {
	for in, want := range map[string]string{
		"111122223333":            "111122223333",
		`"><svg onload=alert(1)>`: "___svg_onload_alert_1__",
		"a\r\nContent-Type: x":    "a__Content-Type__x",
	} {
		if got := fileNamePart(in); got != want {
			t.Errorf("fileNamePart(%q) = %q, want %q", in, got, want)
		}
	}
}
