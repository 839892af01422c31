// Package static embeds the console's CSS, scripts and images, so the binary
// serves them itself: no CDN, nothing fetched by the browser from elsewhere.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css img js
var FS embed.FS
