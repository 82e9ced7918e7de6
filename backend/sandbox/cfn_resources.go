package sandbox

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cloudcontrol/backend/cfn"
	"cloudcontrol/backend/cloud"
	"cloudcontrol/backend/pricing"
)

// The resource types the sandbox's CloudFormation creates: real sandbox
// instances and volumes, checked as EC2 would check them.

type resourceType struct {
	attrs []string
	// props are the properties the type takes; any other is refused.
	props  []string
	create func(sb *Sandbox, st *stack, r *stackRes, at time.Time) (ready time.Time, failure string)
	// remove deletes the resource at at; done is when it is gone.
	remove func(sb *Sandbox, st *stack, r *stackRes, at time.Time) (done time.Time)
}

var resourceTypes map[string]resourceType

func init() {
	resourceTypes = map[string]resourceType{
		"AWS::EC2::Instance": {
			attrs: []string{"AvailabilityZone", "PrivateDnsName", "PrivateIp", "PublicDnsName", "PublicIp", "InstanceId", "VpcId", "State.Code", "State.Name"},
			props: []string{"ImageId", "InstanceType", "SubnetId", "SecurityGroupIds", "SecurityGroups", "KeyName",
				"IamInstanceProfile", "UserData", "Tags", "BlockDeviceMappings", "Volumes", "AvailabilityZone",
				"PrivateIpAddress", "Monitoring", "EbsOptimized", "DisableApiTermination", "InstanceInitiatedShutdownBehavior",
				"Tenancy", "CreditSpecification", "CpuOptions", "HibernationOptions", "PropagateTagsToVolumeOnCreation",
				"SourceDestCheck", "PlacementGroupName", "PrivateDnsNameOptions", "AdditionalInfo", "Affinity", "HostId"},
			create: (*Sandbox).createInstance, remove: (*Sandbox).removeInstance,
		},
		"AWS::EC2::Volume": {
			attrs: []string{"VolumeId"},
			props: []string{"AvailabilityZone", "Size", "VolumeType", "Encrypted", "KmsKeyId", "Iops", "Throughput",
				"SnapshotId", "Tags", "MultiAttachEnabled", "AutoEnableIO", "OutpostArn"},
			create: (*Sandbox).createVolume, remove: (*Sandbox).removeVolume,
		},
		"AWS::EC2::VolumeAttachment": {
			props:  []string{"InstanceId", "VolumeId", "Device"},
			create: (*Sandbox).createAttachment, remove: (*Sandbox).removeAttachment,
		},
	}
}

// stackTypes is what the template checker accepts.
func stackTypes() cfn.Types {
	out := cfn.Types{}
	for k, t := range resourceTypes {
		out[k] = t.attrs
	}
	return out
}

// ec2Failure words an EC2 error the way a failed resource shows it.
func ec2Failure(code, format string, args ...any) string {
	return fmt.Sprintf("%s (Service: AmazonEC2; Status Code: 400; Error Code: %s; Request ID: %s; Proxy: null)",
		fmt.Sprintf(format, args...), code, requestID())
}

// propStr reads a scalar property as text.
func propStr(m *cfn.Map, k string) string {
	v, _ := m.Get(k)
	return cfn.Text(v)
}

func propList(m *cfn.Map, k string) []string {
	v, _ := m.Get(k)
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// checkProps refuses properties the type does not take, as CloudFormation's
// schema validation does.
func checkProps(r *stackRes) string {
	for _, k := range r.props.Keys {
		if !slices.Contains(resourceTypes[r.def.Type].props, k) {
			return fmt.Sprintf("Properties validation failed for resource %s with message: #: extraneous key [%s] is not permitted", r.def.Name, k)
		}
	}
	return ""
}

// tagsOf are the tags CloudFormation puts on a resource: the stack's, then
// the resource's own (which win), then its aws:cloudformation:* tags.
func tagsOf(st *stack, r *stackRes) (map[string]string, string) {
	tags := map[string]string{}
	for _, t := range st.tags {
		tags[t.Key] = t.Value
	}
	v, _ := r.props.Get("Tags")
	list, _ := v.([]any)
	for _, x := range list {
		m, ok := x.(*cfn.Map)
		k := propStr(m, "Key")
		if !ok || k == "" {
			return nil, fmt.Sprintf("Properties validation failed for resource %s with message: #/Tags: every tag needs a Key and a Value", r.def.Name)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, ec2Failure("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
		}
		tags[k] = propStr(m, "Value")
	}
	tags["aws:cloudformation:stack-name"] = st.name
	tags["aws:cloudformation:stack-id"] = st.id
	tags["aws:cloudformation:logical-id"] = r.def.Name
	return tags, ""
}

func (sb *Sandbox) createInstance(st *stack, r *stackRes, at time.Time) (time.Time, string) {
	if bad := checkProps(r); bad != "" {
		return time.Time{}, bad
	}
	p := r.props
	rs := sb.region(st.region)
	w := rs.world
	image := propStr(p, "ImageId")
	switch {
	case image == "":
		return time.Time{}, fmt.Sprintf("Properties validation failed for resource %s with message: #: required key [ImageId] not found", r.def.Name)
	case !slices.ContainsFunc(w.Images, func(i Image) bool { return i.ID == image }):
		return time.Time{}, ec2Failure("InvalidAMIID.NotFound", "The image id '[%s]' does not exist", image)
	}
	typ := propStr(p, "InstanceType")
	if typ == "" {
		typ = "m1.small"
	}
	var subnet subnetIn
	if id := propStr(p, "SubnetId"); id != "" {
		i := slices.IndexFunc(w.subnets(), func(s subnetIn) bool { return s.ID == id })
		if i < 0 {
			return time.Time{}, ec2Failure("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
		}
		subnet = w.subnets()[i]
	} else {
		// No subnet: the default VPC's subnet in the zone asked for.
		zone := propStr(p, "AvailabilityZone")
		for _, s := range w.subnets() {
			if s.vpc.Default && (zone == "" || s.Zone == zone) && subnet.ID == "" {
				subnet = s
			}
		}
		if subnet.ID == "" {
			return time.Time{}, ec2Failure("VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
		}
	}
	if zone := propStr(p, "AvailabilityZone"); zone != "" && zone != subnet.Zone {
		return time.Time{}, ec2Failure("InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnet '%s' is in the availability zone %s", zone, subnet.ID, subnet.Zone)
	}
	if !slices.Contains(w.offered(subnet.Zone), typ) {
		return time.Time{}, ec2Failure("Unsupported", "Your requested instance type (%s) is not supported in your requested Availability Zone (%s).", typ, subnet.Zone)
	}
	var groups []string
	for _, g := range propList(p, "SecurityGroupIds") {
		i := slices.IndexFunc(w.groups(), func(x groupIn) bool { return x.ID == g })
		switch {
		case i < 0:
			return time.Time{}, ec2Failure("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", g, subnet.vpc.ID)
		case w.groups()[i].vpc.ID != subnet.vpc.ID:
			return time.Time{}, ec2Failure("InvalidParameter", "Security group %s and subnet %s belong to different networks.", g, subnet.ID)
		}
		groups = append(groups, g)
	}
	for _, name := range propList(p, "SecurityGroups") {
		i := slices.IndexFunc(subnet.vpc.SecurityGroups, func(x SecurityGroup) bool { return x.Name == name || x.ID == name })
		if i < 0 {
			return time.Time{}, ec2Failure("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", name, subnet.vpc.ID)
		}
		groups = append(groups, subnet.vpc.SecurityGroups[i].ID)
	}
	if len(groups) == 0 && len(subnet.vpc.SecurityGroups) > 0 {
		groups = []string{subnet.vpc.SecurityGroups[0].ID}
	}
	key := propStr(p, "KeyName")
	if key != "" && !slices.Contains(w.KeyPairs, key) {
		return time.Time{}, ec2Failure("InvalidKeyPair.NotFound", "The key pair '%s' does not exist", key)
	}
	var userData []byte
	if ud := propStr(p, "UserData"); ud != "" {
		var err error
		if userData, err = base64.StdEncoding.DecodeString(ud); err != nil {
			return time.Time{}, ec2Failure("InvalidParameterValue", "Invalid BASE64 encoding of user data.")
		}
		if len(userData) > MaxUserData {
			return time.Time{}, ec2Failure("InvalidParameterValue", "User data is limited to %d bytes", MaxUserData)
		}
	}
	tags, bad := tagsOf(st, r)
	if bad != "" {
		return time.Time{}, bad
	}
	volumes, bad := blockDevices(p)
	if bad != "" {
		return time.Time{}, bad
	}
	var attach []*volume
	for _, v := range listOfMaps(p, "Volumes") {
		vol := rs.volume(propStr(v, "VolumeId"))
		if vol == nil || vol.attachedTo != nil || vol.az != subnet.Zone {
			return time.Time{}, ec2Failure("InvalidVolume.NotFound", "The volume '%s' does not exist or is not available in %s.", propStr(v, "VolumeId"), subnet.Zone)
		}
		vol.device = propStr(v, "Device")
		attach = append(attach, vol)
	}
	rs.runs++
	used := map[string]bool{}
	for id := range sb.byID {
		used[id] = true
	}
	spec := InstanceSpec{ID: generatedID(fmt.Sprintf("stack/%s/%s/%d", st.id, r.def.Name, rs.runs), 0, used), Type: typ,
		Tags: tags, AZ: subnet.Zone, Timing: sb.defaults.Timing, Public: sb.defaults.Public, Volumes: volumes,
		Image: image, Subnet: subnet.ID, VPC: subnet.vpc.ID, Groups: groups, SSM: sb.defaults.SSM, Services: w.servicesFor(tags)}
	in, err := sb.newInstance(st.region, spec, at)
	if err != nil {
		return time.Time{}, ec2Failure("InsufficientInstanceCapacity", "%v", err)
	}
	in.reservation = "r-" + hash17("reservation/"+in.id)
	in.keyName, in.profile, in.userData = key, instanceProfileArn(sb.account, propStr(p, "IamInstanceProfile")), userData
	in.stackID, in.logicalID = st.id, r.def.Name
	in.setState(cloud.Pending, at)
	runs := at.Add(in.timing.Start)
	if len(userData) > 0 {
		failed := sb.faults.take(FaultUserDataFail, st.region, r.def.Name, r.def.Type) != nil
		in.script = &script{base: runs, steps: parseScript(userData, failed, sb.speed)}
	}
	rs.order = append(rs.order, in)
	sb.byID[in.id] = in
	sb.touch(in, sb.clock.Now())
	for _, v := range attach {
		v.attachedTo = in
	}
	r.inst, r.physical = in, in.id
	return runs, ""
}

// MaxUserData is EC2's limit on user data, before base64.
const MaxUserData = 16384

func instanceProfileArn(account, profile string) string {
	if profile == "" || strings.HasPrefix(profile, "arn:") {
		return profile
	}
	return "arn:aws:iam::" + account + ":instance-profile/" + profile
}

func listOfMaps(m *cfn.Map, k string) []*cfn.Map {
	v, _ := m.Get(k)
	l, _ := v.([]any)
	var out []*cfn.Map
	for _, x := range l {
		if mm, ok := x.(*cfn.Map); ok {
			out = append(out, mm)
		}
	}
	return out
}

// blockDevices reads BlockDeviceMappings: the root volume (/dev/xvda, 8 GiB
// gp3 unless mapped) and every extra EBS volume, deleted with the instance.
func blockDevices(p *cfn.Map) ([]VolumeSpec, string) {
	root := VolumeSpec{SizeGiB: 8, Type: "gp3", IOPS: 3000, Throughput: 125, Device: "/dev/xvda"}
	out := []VolumeSpec{root}
	for _, m := range listOfMaps(p, "BlockDeviceMappings") {
		dev := propStr(m, "DeviceName")
		ebsV, _ := m.Get("Ebs")
		ebs, _ := ebsV.(*cfn.Map)
		if dev == "" || ebs == nil {
			continue // NoDevice, VirtualName: nothing to make
		}
		v := VolumeSpec{Device: dev, Type: "gp2", SizeGiB: 8, Encrypted: propStr(ebs, "Encrypted") == "true",
			KMSKey: propStr(ebs, "KmsKeyId")}
		if t := propStr(ebs, "VolumeType"); t != "" {
			if !slices.Contains(pricing.VolumeTypes, t) {
				return nil, ec2Failure("InvalidParameterValue", "Value (%s) for parameter volumeType is invalid.", t)
			}
			v.Type = t
		}
		if s := propStr(ebs, "VolumeSize"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 65536 {
				return nil, ec2Failure("InvalidParameterValue", "Volume size %s for %s is not a whole number of GiB from 1 to 65536", s, dev)
			}
			v.SizeGiB = n
		}
		if v.Type == "gp3" {
			v.IOPS, v.Throughput = 3000, 125
		}
		if n, err := strconv.Atoi(propStr(ebs, "Iops")); err == nil {
			v.IOPS = n
		}
		if n, err := strconv.Atoi(propStr(ebs, "Throughput")); err == nil {
			v.Throughput = n
		}
		if i := slices.IndexFunc(out, func(o VolumeSpec) bool { return o.Device == dev }); i >= 0 {
			out[i] = v
			continue
		}
		out = append(out, v)
	}
	return out, ""
}

func (sb *Sandbox) removeInstance(st *stack, r *stackRes, at time.Time) time.Time {
	in := r.inst
	if in == nil {
		return at
	}
	in.advance(at)
	done := at
	if in.state != cloud.Terminated && in.state != cloud.ShuttingDown {
		sb.closeServices(in)
		in.setState(cloud.ShuttingDown, at)
		done = at.Add(in.timing.Terminate)
		sb.touch(in, sb.clock.Now())
	}
	for _, v := range sb.region(st.region).vols {
		if v.attachedTo == in {
			v.attachedTo, v.device = nil, ""
		}
	}
	return done
}

func (sb *Sandbox) createVolume(st *stack, r *stackRes, at time.Time) (time.Time, string) {
	if bad := checkProps(r); bad != "" {
		return time.Time{}, bad
	}
	p := r.props
	rs := sb.region(st.region)
	zone := propStr(p, "AvailabilityZone")
	if !slices.Contains(rs.world.zones(), zone) {
		return time.Time{}, ec2Failure("InvalidParameterValue", "Invalid availability zone: [%s]", zone)
	}
	v := &volume{az: zone, typ: "gp2", encrypted: propStr(p, "Encrypted") == "true", kms: propStr(p, "KmsKeyId"), created: at}
	if t := propStr(p, "VolumeType"); t != "" {
		if !slices.Contains(pricing.VolumeTypes, t) {
			return time.Time{}, ec2Failure("InvalidParameterValue", "Value (%s) for parameter volumeType is invalid.", t)
		}
		v.typ = t
	}
	n, err := strconv.Atoi(propStr(p, "Size"))
	if err != nil || n < 1 || n > 65536 {
		return time.Time{}, ec2Failure("MissingParameter", "The request must contain the parameter size or snapshotId")
	}
	v.size = n
	if v.typ == "gp3" {
		v.iops, v.throughput = 3000, 125
	}
	tags, bad := tagsOf(st, r)
	if bad != "" {
		return time.Time{}, bad
	}
	v.tags = tags
	rs.runs++
	v.id = "vol-" + hash17(fmt.Sprintf("volume/%s/%s/%d", st.id, r.def.Name, rs.runs))
	rs.vols = append(rs.vols, v)
	r.vol, r.physical = v, v.id
	return at, ""
}

func (sb *Sandbox) removeVolume(st *stack, r *stackRes, at time.Time) time.Time {
	if r.vol != nil {
		rs := sb.region(st.region)
		rs.vols = slices.DeleteFunc(rs.vols, func(v *volume) bool { return v == r.vol })
	}
	return at
}

func (sb *Sandbox) createAttachment(st *stack, r *stackRes, at time.Time) (time.Time, string) {
	if bad := checkProps(r); bad != "" {
		return time.Time{}, bad
	}
	rs := sb.region(st.region)
	vol := rs.volume(propStr(r.props, "VolumeId"))
	in := sb.byID[propStr(r.props, "InstanceId")]
	dev := propStr(r.props, "Device")
	switch {
	case vol == nil:
		return time.Time{}, ec2Failure("InvalidVolume.NotFound", "The volume '%s' does not exist.", propStr(r.props, "VolumeId"))
	case in == nil || in.region != st.region:
		return time.Time{}, ec2Failure("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", propStr(r.props, "InstanceId"))
	case dev == "":
		return time.Time{}, fmt.Sprintf("Properties validation failed for resource %s with message: #: required key [Device] not found", r.def.Name)
	case vol.attachedTo != nil:
		return time.Time{}, ec2Failure("VolumeInUse", "%s is already attached to an instance", vol.id)
	case vol.az != in.az:
		return time.Time{}, ec2Failure("InvalidVolume.ZoneMismatch", "The volume '%s' is not in the same availability zone as instance '%s'", vol.id, in.id)
	}
	vol.attachedTo, vol.device = in, dev
	r.attach, r.physical = &attachment{vol: vol}, "vai-"+hash17("attachment/"+vol.id+"/"+in.id)
	return at, ""
}

func (sb *Sandbox) removeAttachment(st *stack, r *stackRes, at time.Time) time.Time {
	if r.attach != nil {
		r.attach.vol.attachedTo, r.attach.vol.device = nil, ""
	}
	return at
}

// attr answers Fn::GetAtt of a created resource.
func (st *stack) attr(name, attr string) (any, error) {
	r := st.res[name]
	if r == nil || r.physical == "" {
		return nil, fmt.Errorf("Template error: resource %s is not created, so Fn::GetAtt %s.%s has no value", name, name, attr) //nolint:staticcheck // CloudFormation's own words
	}
	if in := r.inst; in != nil {
		switch attr {
		case "AvailabilityZone":
			return in.az, nil
		case "PrivateIp":
			return in.privateIP, nil
		case "PrivateDnsName":
			return privateDNS(in), nil
		case "PublicIp":
			return in.publicIP, nil
		case "PublicDnsName":
			if in.publicIP == "" {
				return "", nil
			}
			return "ec2-" + strings.ReplaceAll(in.publicIP, ".", "-") + "." + in.region + ".compute.amazonaws.com", nil
		case "InstanceId":
			return in.id, nil
		case "VpcId":
			return in.vpc, nil
		case "State.Name":
			return in.state, nil
		case "State.Code":
			return strconv.Itoa(stateCodes[in.state]), nil
		}
	}
	if r.vol != nil && attr == "VolumeId" {
		return r.vol.id, nil
	}
	return nil, fmt.Errorf("Template error: resource %s does not support attribute type %s in Fn::GetAtt", name, attr) //nolint:staticcheck // CloudFormation's own words
}

func privateDNS(in *instance) string {
	return "ip-" + strings.ReplaceAll(in.privateIP, ".", "-") + "." + in.region + ".compute.internal"
}

// volume is a standalone EBS volume (AWS::EC2::Volume).
type volume struct {
	id, az, typ, kms string
	size, iops       int
	throughput       int
	encrypted        bool
	tags             map[string]string
	created          time.Time
	attachedTo       *instance
	device           string
}

type attachment struct{ vol *volume }

func (rs *regionState) volume(id string) *volume {
	for _, v := range rs.vols {
		if v.id == id {
			return v
		}
	}
	return nil
}
