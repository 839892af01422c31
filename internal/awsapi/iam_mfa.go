package awsapi

import (
	"encoding/base64"

	"github.com/iamconsole/console/internal/iam"
)

// xmlVirtualMFADevice is AWS's VirtualMFADevice. Base32StringSeed and
// QRCodePNG are blobs, base64 on the wire as every blob of the query API
// is: the seed is the base64 of its base32 text, the QR code the base64 of
// the PNG. Both only in CreateVirtualMFADevice's answer.
type xmlVirtualMFADevice struct {
	SerialNumber     string           `xml:"SerialNumber"`
	Base32StringSeed string           `xml:"Base32StringSeed,omitempty"`
	QRCodePNG        string           `xml:"QRCodePNG,omitempty"`
	User             *xmlUser         `xml:"User,omitempty"`
	EnableDate       *isoTime         `xml:"EnableDate,omitempty"`
	Tags             *members[xmlTag] `xml:"Tags,omitempty"`
}

func virtualMFAXML(d *iam.VirtualMFADevice) xmlVirtualMFADevice {
	x := xmlVirtualMFADevice{SerialNumber: d.SerialNumber, EnableDate: tsp(d.EnableDate), Tags: tagList(d.Tags)}
	if len(d.Base32StringSeed) > 0 {
		x.Base32StringSeed = base64.StdEncoding.EncodeToString(d.Base32StringSeed)
	}
	if len(d.QRCodePNG) > 0 {
		x.QRCodePNG = base64.StdEncoding.EncodeToString(d.QRCodePNG)
	}
	if d.User != nil {
		u := userXML(d.User, false)
		x.User = &u
	}
	return x
}

type createVirtualMFADeviceResult struct {
	VirtualMFADevice xmlVirtualMFADevice `xml:"VirtualMFADevice"`
}

func createVirtualMFADevice(s *Server, c *call) (any, error) {
	if err := c.p.required("VirtualMFADeviceName"); err != nil {
		return nil, err
	}
	d, err := s.svc.CreateVirtualMFADevice(c.ctx, c.caller, iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: c.p.str("VirtualMFADeviceName"), Path: c.p.str("Path"), Tags: c.p.tags("Tags")}, c.meta)
	if err != nil {
		return nil, err
	}
	return createVirtualMFADeviceResult{VirtualMFADevice: virtualMFAXML(d)}, nil
}

func enableMFADevice(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName", "SerialNumber", "AuthenticationCode1", "AuthenticationCode2"); err != nil {
		return nil, err
	}
	return nil, s.svc.EnableMFADevice(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SerialNumber"),
		c.p.str("AuthenticationCode1"), c.p.str("AuthenticationCode2"), c.meta)
}

func resyncMFADevice(s *Server, c *call) (any, error) {
	if err := c.p.required("UserName", "SerialNumber", "AuthenticationCode1", "AuthenticationCode2"); err != nil {
		return nil, err
	}
	return nil, s.svc.ResyncMFADevice(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SerialNumber"),
		c.p.str("AuthenticationCode1"), c.p.str("AuthenticationCode2"), c.meta)
}

// deactivateMFADevice: UserName may be absent (the caller's own device),
// as AWS now allows.
func deactivateMFADevice(s *Server, c *call) (any, error) {
	if err := c.p.required("SerialNumber"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeactivateMFADevice(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SerialNumber"), c.meta)
}

func deleteVirtualMFADevice(s *Server, c *call) (any, error) {
	if err := c.p.required("SerialNumber"); err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteVirtualMFADevice(c.ctx, c.caller, c.p.str("SerialNumber"), c.meta)
}

type listVirtualMFADevicesResult struct {
	VirtualMFADevices members[xmlVirtualMFADevice] `xml:"VirtualMFADevices"`
	page
}

func listVirtualMFADevices(s *Server, c *call) (any, error) {
	marker, maxItems, err := c.p.paging()
	if err != nil {
		return nil, err
	}
	ds, next, err := s.svc.ListVirtualMFADevices(c.ctx, c.caller, iam.ListVirtualMFADevicesInput{
		AssignmentStatus: c.p.str("AssignmentStatus"), Marker: marker, MaxItems: maxItems}, c.meta)
	if err != nil {
		return nil, err
	}
	out := listVirtualMFADevicesResult{page: pageOf(next)}
	out.VirtualMFADevices.Member = make([]xmlVirtualMFADevice, len(ds))
	for i := range ds {
		out.VirtualMFADevices.Member[i] = virtualMFAXML(&ds[i])
	}
	return out, nil
}

type getMFADeviceResult struct {
	UserName     string  `xml:"UserName"`
	SerialNumber string  `xml:"SerialNumber"`
	EnableDate   isoTime `xml:"EnableDate"`
}

func getMFADevice(s *Server, c *call) (any, error) {
	if err := c.p.required("SerialNumber"); err != nil {
		return nil, err
	}
	d, err := s.svc.GetMFADevice(c.ctx, c.caller, c.p.str("UserName"), c.p.str("SerialNumber"), c.meta)
	if err != nil {
		return nil, err
	}
	return getMFADeviceResult{UserName: d.UserName, SerialNumber: d.SerialNumber, EnableDate: ts(d.EnableDate)}, nil
}
