package awsapi

import (
	"bytes"
	"encoding/xml"
	"time"
)

// responseMetadata closes every response.
type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// encodeResponse builds <ActionResponse xmlns=…><ActionResult>result
// </ActionResult><ResponseMetadata/></ActionResponse>. A nil result gives
// the bare response that actions without output return.
func encodeResponse(action, ns, requestID string, result any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ns}}}
	if err := enc.EncodeToken(start); err != nil {
		return nil, err
	}
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return nil, err
		}
	}
	if err := enc.EncodeElement(responseMetadata{RequestID: requestID}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// isoTime is how AWS writes timestamps: ISO 8601 in UTC, whole seconds.
type isoTime time.Time

func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

func ts(t time.Time) isoTime { return isoTime(t) }

func tsp(t *time.Time) *isoTime {
	if t == nil || t.IsZero() {
		return nil
	}
	v := isoTime(*t)
	return &v
}

// xmlTag is a tag in AWS's member list.
type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type errorResponse struct {
	XMLName   xml.Name    `xml:"ErrorResponse"`
	Xmlns     string      `xml:"xmlns,attr"`
	Error     errorDetail `xml:"Error"`
	RequestID string      `xml:"RequestId"`
}

type errorDetail struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func xmlErrorDoc(ns string, e *apiError, requestID string) ([]byte, error) {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	return xml.Marshal(errorResponse{Xmlns: ns, Error: errorDetail{Type: typ, Code: e.Code, Message: e.Message}, RequestID: requestID})
}
