{{DELIMITER}}
chmod 700 /var/lib/cloudcontrol/launch-script
cd /root 2>/dev/null || cd /
if head -c 2 /var/lib/cloudcontrol/launch-script | grep -q '^#!'; then
  /var/lib/cloudcontrol/launch-script
else
  /bin/bash /var/lib/cloudcontrol/launch-script
fi
cc_status=$?
export PATH="$PATH:/opt/aws/bin"
if command -v cfn-signal >/dev/null 2>&1; then
  cfn-signal -e "$cc_status" --stack '${AWS::StackName}' --resource Instance --region '${AWS::Region}'
else # no aws-cfn-bootstrap: the AWS CLI (needs cloudformation:SignalResource)
  m=http://169.254.169.254/latest
  t=$(curl -fsS -m 2 -X PUT "$m/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  r=SUCCESS; [ "$cc_status" -eq 0 ] || r=FAILURE
  aws cloudformation signal-resource --region '${AWS::Region}' --stack-name '${AWS::StackName}' --logical-resource-id Instance \
    --unique-id "$(curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $t" "$m/meta-data/instance-id")" --status "$r"
fi
exit "$cc_status"
