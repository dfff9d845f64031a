import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Props of {@link NetworkStack}. */
export interface NetworkStackProps extends StackProps {
  /** Exactly three AZ names: MSK and OpenSearch put one node in each. */
  availabilityZones: string[];
  /** NAT gateways for the private subnets (Fargate pulls images, Lambda reaches AWS APIs). */
  natGateways: number;
}

/** The VPC over three AZs: public subnets for the ALB and NAT, private ones for everything else. */
export class NetworkStack extends Stack {
  /** The VPC the other stacks place their resources in. */
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: props.availabilityZones,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      flowLogs: {
        All: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH }),
          ),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
  }
}
