// A small CDK app, as a user would write it, building the article's peering
// option (../../scenarios/cloudformation, option 1) in two stacks:
// - XvpcPeeringAccepter (account B): B's VPC and the role A assumes to
//   accept the peering connection;
// - XvpcPeeringRequester (account A): A's VPC, the peering connection with
//   PeerOwnerId/PeerRoleArn, and A's routes to B.
// The stacks are environment-agnostic (no account/Region lookups, so synth
// needs no network) and use the BootstraplessSynthesizer (no bootstrap
// stack, no BootstrapVersion parameter). tests/test_cdk_synth.py runs
// `cdk synth` and hands the templates to the template engine.
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const iam = require('aws-cdk-lib/aws-iam');

function isolatedVpc(scope, cidr) {
  return new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}

class Accepter extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const requester = new cdk.CfnParameter(this, 'RequesterAccountId', {
      type: 'String', default: '111111111111', allowedPattern: '[0-9]{12}',
    });
    const vpc = isolatedVpc(this, '10.2.0.0/16');
    const role = new iam.Role(this, 'PeeringAccepterRole', {
      assumedBy: new iam.AccountPrincipal(requester.valueAsString),
      inlinePolicies: {
        accept: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['ec2:AcceptVpcPeeringConnection'], resources: ['*'] })],
        }),
      },
    });
    new cdk.CfnOutput(this, 'VpcId', { value: vpc.vpcId });
    new cdk.CfnOutput(this, 'RoleArn', { value: role.roleArn });
  }
}

class Requester extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const peerVpcId = new cdk.CfnParameter(this, 'PeerVpcId', { type: 'String' });
    const peerAccount = new cdk.CfnParameter(this, 'PeerAccountId', { type: 'String', default: '222222222222' });
    const peerRoleArn = new cdk.CfnParameter(this, 'PeerRoleArn', { type: 'String' });
    const peerCidr = new cdk.CfnParameter(this, 'PeerCidr', { type: 'String', default: '10.2.0.0/16' });
    const vpc = isolatedVpc(this, '10.1.0.0/16');
    const peering = new ec2.CfnVPCPeeringConnection(this, 'PeeringConnection', {
      vpcId: vpc.vpcId,
      peerVpcId: peerVpcId.valueAsString,
      peerOwnerId: peerAccount.valueAsString,
      peerRoleArn: peerRoleArn.valueAsString,
      tags: [{ key: 'Name', value: 'a-to-b' }],
    });
    vpc.isolatedSubnets.forEach((subnet, i) => {
      new ec2.CfnRoute(this, `RouteToPeer${i}`, {
        routeTableId: subnet.routeTable.routeTableId,
        destinationCidrBlock: peerCidr.valueAsString,
        vpcPeeringConnectionId: peering.ref,
      });
    });
    new cdk.CfnOutput(this, 'PeeringConnectionId', { value: peering.ref });
    new cdk.CfnOutput(this, 'VpcId', { value: vpc.vpcId });
  }
}

const app = new cdk.App();
const synthesizer = () => new cdk.BootstraplessSynthesizer();
new Accepter(app, 'XvpcPeeringAccepter', { synthesizer: synthesizer() });
new Requester(app, 'XvpcPeeringRequester', { synthesizer: synthesizer() });
app.synth();
