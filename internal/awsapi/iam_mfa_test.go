package awsapi_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// mfaCode is the device's code at t, as an authenticator app shows it.
func mfaCode(t *testing.T, seed string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(seed, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVirtualMFADeviceLifeCycle(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob")})
		ok(t, err)
		created := must[*iamsdk.CreateVirtualMFADeviceOutput](t)(e.iam.CreateVirtualMFADevice(e.ctx, &iamsdk.CreateVirtualMFADeviceInput{
			VirtualMFADeviceName: aws.String("bob-phone"), Path: aws.String("/eng/"),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("eng")}}})).VirtualMFADevice
		serial := "arn:aws:iam::" + e.acct.ID + ":mfa/eng/bob-phone"
		if aws.ToString(created.SerialNumber) != serial || created.User != nil || created.EnableDate != nil {
			t.Fatalf("CreateVirtualMFADevice = %+v", created)
		}
		// The SDK decodes the blobs: the seed is base32 text, the QR code a PNG.
		seed := string(created.Base32StringSeed)
		if len(seed) != 32 {
			t.Fatalf("seed %q is not 160 bits of base32", seed)
		}
		if _, err := png.Decode(bytes.NewReader(created.QRCodePNG)); err != nil {
			t.Fatalf("QRCodePNG is not a PNG: %v", err)
		}
		if len(created.Tags) != 1 || aws.ToString(created.Tags[0].Key) != "team" {
			t.Errorf("tags = %+v", created.Tags)
		}

		_, err = e.iam.TagMFADevice(e.ctx, &iamsdk.TagMFADeviceInput{SerialNumber: aws.String(serial),
			Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("bob")}}})
		ok(t, err)
		_, err = e.iam.UntagMFADevice(e.ctx, &iamsdk.UntagMFADeviceInput{SerialNumber: aws.String(serial), TagKeys: []string{"team"}})
		ok(t, err)
		tags := must[*iamsdk.ListMFADeviceTagsOutput](t)(e.iam.ListMFADeviceTags(e.ctx, &iamsdk.ListMFADeviceTagsInput{SerialNumber: aws.String(serial)})).Tags
		if len(tags) != 1 || aws.ToString(tags[0].Key) != "owner" || aws.ToString(tags[0].Value) != "bob" {
			t.Errorf("ListMFADeviceTags = %+v", tags)
		}
		_, err = e.iam.ListMFADeviceTags(e.ctx, &iamsdk.ListMFADeviceTagsInput{SerialNumber: aws.String(serial + "x")})
		wantCode(t, err, "NoSuchEntity")

		_, err = e.iam.CreateVirtualMFADevice(e.ctx, &iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bob-phone"), Path: aws.String("/eng/")})
		var exists *types.EntityAlreadyExistsException
		if !asErr(err, &exists) || aws.ToString(exists.Message) != "MFADevice entity at the same path and name already exists." {
			t.Errorf("duplicate device = %v", err)
		}
		// Another path is another device.
		other := must[*iamsdk.CreateVirtualMFADeviceOutput](t)(e.iam.CreateVirtualMFADevice(e.ctx,
			&iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bob-phone")})).VirtualMFADevice
		_, err = e.iam.CreateVirtualMFADevice(e.ctx, &iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("no spaces")})
		wantCode(t, err, "ValidationError")
		_, err = e.iam.CreateVirtualMFADevice(e.ctx, &iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(strings.Repeat("n", 227))})
		wantCode(t, err, "ValidationError")
		// AWS's longest name, longer than the console's: kept whole in the serial.
		long := must[*iamsdk.CreateVirtualMFADeviceOutput](t)(e.iam.CreateVirtualMFADevice(e.ctx,
			&iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(strings.Repeat("n", 226))})).VirtualMFADevice
		if !strings.HasSuffix(aws.ToString(long.SerialNumber), ":mfa/"+strings.Repeat("n", 226)) {
			t.Errorf("long name's serial = %s", aws.ToString(long.SerialNumber))
		}
		_, err = e.iam.DeleteVirtualMFADevice(e.ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: long.SerialNumber})
		ok(t, err)

		list := func(status types.AssignmentStatusType) []types.VirtualMFADevice {
			t.Helper()
			return must[*iamsdk.ListVirtualMFADevicesOutput](t)(e.iam.ListVirtualMFADevices(e.ctx,
				&iamsdk.ListVirtualMFADevicesInput{AssignmentStatus: status})).VirtualMFADevices
		}
		// By serial number: mfa/bob-phone, then mfa/eng/bob-phone.
		un := list(types.AssignmentStatusTypeUnassigned)
		if len(un) != 2 || aws.ToString(un[1].SerialNumber) != serial || un[1].User != nil || un[1].EnableDate != nil ||
			len(un[1].Base32StringSeed) != 0 || len(un[1].QRCodePNG) != 0 || len(un[1].Tags) != 1 {
			t.Fatalf("unassigned = %+v", un)
		}
		if as := list(types.AssignmentStatusTypeAssigned); len(as) != 0 {
			t.Fatalf("assigned before enabling = %+v", as)
		}

		// Enabling: two consecutive codes; wrong ones leave the device unassigned.
		now := time.Now()
		enable := func(c1, c2 string) error {
			_, err := e.iam.EnableMFADevice(e.ctx, &iamsdk.EnableMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String(serial),
				AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)})
			return err
		}
		var bad *types.InvalidAuthenticationCodeException
		if err := enable(mfaCode(t, seed, now), mfaCode(t, seed, now.Add(-30*time.Second))); !asErr(err, &bad) {
			t.Fatalf("codes in the wrong order = %v", err)
		}
		if err := enable("000000", "111111"); !asErr(err, &bad) || aws.ToString(bad.Message) != "Authentication code for device is not valid." {
			t.Fatalf("wrong codes = %v", err)
		}
		wantCode(t, enable("12345", "123456"), "ValidationError")
		ok(t, enable(mfaCode(t, seed, now.Add(-30*time.Second)), mfaCode(t, seed, now)))
		wantCode(t, enable(mfaCode(t, seed, now.Add(-30*time.Second)), mfaCode(t, seed, now)), "EntityAlreadyExists")

		as := list(types.AssignmentStatusTypeAssigned)
		if len(as) != 1 || aws.ToString(as[0].SerialNumber) != serial || as[0].User == nil || aws.ToString(as[0].User.UserName) != "bob" ||
			as[0].EnableDate == nil || len(as[0].Base32StringSeed) != 0 {
			t.Fatalf("assigned = %+v", as)
		}
		if all := list(types.AssignmentStatusTypeAny); len(all) != 2 {
			t.Fatalf("any = %+v", all)
		}
		sum := must[*iamsdk.GetAccountSummaryOutput](t)(e.iam.GetAccountSummary(e.ctx, &iamsdk.GetAccountSummaryInput{})).SummaryMap
		if sum["MFADevices"] != 2 || sum["MFADevicesInUse"] != 1 {
			t.Errorf("summary MFADevices %d, MFADevicesInUse %d; want 2, 1", sum["MFADevices"], sum["MFADevicesInUse"])
		}
		// Paging, by serial number.
		p1 := must[*iamsdk.ListVirtualMFADevicesOutput](t)(e.iam.ListVirtualMFADevices(e.ctx, &iamsdk.ListVirtualMFADevicesInput{MaxItems: aws.Int32(1)}))
		if len(p1.VirtualMFADevices) != 1 || !p1.IsTruncated || p1.Marker == nil {
			t.Fatalf("first page = %+v", p1)
		}
		p2 := must[*iamsdk.ListVirtualMFADevicesOutput](t)(e.iam.ListVirtualMFADevices(e.ctx, &iamsdk.ListVirtualMFADevicesInput{MaxItems: aws.Int32(1), Marker: p1.Marker}))
		if len(p2.VirtualMFADevices) != 1 || p2.IsTruncated || aws.ToString(p2.VirtualMFADevices[0].SerialNumber) == aws.ToString(p1.VirtualMFADevices[0].SerialNumber) {
			t.Fatalf("second page = %+v", p2)
		}
		_, err = e.iam.ListVirtualMFADevices(e.ctx, &iamsdk.ListVirtualMFADevicesInput{AssignmentStatus: "Some"})
		wantCode(t, err, "ValidationError")

		mine := must[*iamsdk.ListMFADevicesOutput](t)(e.iam.ListMFADevices(e.ctx, &iamsdk.ListMFADevicesInput{UserName: aws.String("bob")})).MFADevices
		if len(mine) != 1 || aws.ToString(mine[0].SerialNumber) != serial {
			t.Fatalf("ListMFADevices = %+v", mine)
		}
		got := must[*iamsdk.GetMFADeviceOutput](t)(e.iam.GetMFADevice(e.ctx, &iamsdk.GetMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String(serial)}))
		if aws.ToString(got.UserName) != "bob" || aws.ToString(got.SerialNumber) != serial || got.EnableDate == nil {
			t.Fatalf("GetMFADevice = %+v", got)
		}
		_, err = e.iam.GetMFADevice(e.ctx, &iamsdk.GetMFADeviceInput{UserName: aws.String("bob"), SerialNumber: other.SerialNumber})
		wantCode(t, err, "NoSuchEntity")

		// Resync with the next two codes; spent ones are refused.
		resync := func(c1, c2 string) error {
			_, err := e.iam.ResyncMFADevice(e.ctx, &iamsdk.ResyncMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String(serial),
				AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)})
			return err
		}
		wantCode(t, resync(mfaCode(t, seed, now.Add(-30*time.Second)), mfaCode(t, seed, now)), "InvalidAuthenticationCode")
		ok(t, resync(mfaCode(t, seed, now.Add(30*time.Second)), mfaCode(t, seed, now.Add(60*time.Second))))

		// An assigned device cannot be deleted, nor its user.
		_, err = e.iam.DeleteVirtualMFADevice(e.ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
		var conflict *types.DeleteConflictException
		if !asErr(err, &conflict) || aws.ToString(conflict.Message) != "MFA Device is still in use." {
			t.Fatalf("deleting an assigned device = %v", err)
		}
		_, err = e.iam.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("bob")})
		wantCode(t, err, "DeleteConflict")

		_, err = e.iam.DeactivateMFADevice(e.ctx, &iamsdk.DeactivateMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String(serial)})
		ok(t, err)
		_, err = e.iam.DeactivateMFADevice(e.ctx, &iamsdk.DeactivateMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String(serial)})
		wantCode(t, err, "NoSuchEntity")
		if un := list(types.AssignmentStatusTypeUnassigned); len(un) != 2 {
			t.Fatalf("unassigned after deactivating = %+v", un)
		}
		for _, s := range []*string{aws.String(serial), other.SerialNumber} {
			_, err = e.iam.DeleteVirtualMFADevice(e.ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: s})
			ok(t, err)
		}
		_, err = e.iam.DeleteVirtualMFADevice(e.ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
		var gone *types.NoSuchEntityException
		if !asErr(err, &gone) || aws.ToString(gone.Message) != "VirtualMFADevice with serial number "+serial+" doesn't exist." {
			t.Fatalf("deleting again = %v", err)
		}
		if all := list(types.AssignmentStatusTypeAny); len(all) != 0 {
			t.Fatalf("devices left = %+v", all)
		}
		_, err = e.iam.DeleteUser(e.ctx, &iamsdk.DeleteUserInput{UserName: aws.String("bob")})
		ok(t, err)
	})
}

// A read-only caller lists devices but changes none; the refusals name the
// resource AWS authorizes each action on.
func TestVirtualMFADeviceReadOnlyCaller(t *testing.T) {
	e := sqlite(t)
	k, s := e.user("auditor", "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
	ro := e.iamClient(k, s, "")
	_, err := e.iam.CreateUser(e.ctx, &iamsdk.CreateUserInput{UserName: aws.String("bob")})
	ok(t, err)
	dev := must[*iamsdk.CreateVirtualMFADeviceOutput](t)(e.iam.CreateVirtualMFADevice(e.ctx,
		&iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bob-phone")})).VirtualMFADevice
	seed := string(dev.Base32StringSeed)

	_, err = ro.ListVirtualMFADevices(e.ctx, &iamsdk.ListVirtualMFADevicesInput{})
	ok(t, err)
	_, err = ro.CreateVirtualMFADevice(e.ctx, &iamsdk.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("x")})
	wantCode(t, err, "AccessDenied")
	contains(t, "refusal", err.Error(), "iam:CreateVirtualMFADevice")
	contains(t, "refusal", err.Error(), ":mfa/x")
	now := time.Now()
	_, err = ro.EnableMFADevice(e.ctx, &iamsdk.EnableMFADeviceInput{UserName: aws.String("bob"), SerialNumber: dev.SerialNumber,
		AuthenticationCode1: aws.String(mfaCode(t, seed, now.Add(-30*time.Second))), AuthenticationCode2: aws.String(mfaCode(t, seed, now))})
	wantCode(t, err, "AccessDenied")
	contains(t, "refusal", err.Error(), ":user/bob")
	_, err = ro.DeleteVirtualMFADevice(e.ctx, &iamsdk.DeleteVirtualMFADeviceInput{SerialNumber: dev.SerialNumber})
	wantCode(t, err, "AccessDenied")
	_, err = ro.DeactivateMFADevice(e.ctx, &iamsdk.DeactivateMFADeviceInput{UserName: aws.String("bob"), SerialNumber: dev.SerialNumber})
	wantCode(t, err, "AccessDenied")
	_, err = ro.ResyncMFADevice(e.ctx, &iamsdk.ResyncMFADeviceInput{UserName: aws.String("bob"), SerialNumber: dev.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("234567")})
	wantCode(t, err, "AccessDenied")
	if un := must[*iamsdk.ListVirtualMFADevicesOutput](t)(e.iam.ListVirtualMFADevices(e.ctx, &iamsdk.ListVirtualMFADevicesInput{
		AssignmentStatus: types.AssignmentStatusTypeUnassigned})).VirtualMFADevices; len(un) != 1 {
		t.Fatalf("the refused calls changed the devices: %+v", un)
	}
}
