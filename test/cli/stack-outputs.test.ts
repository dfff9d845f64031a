import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { stackOutputs, STORAGE_STACK } from '../../cli/stack-outputs';

const cfn = mockClient(CloudFormationClient);
afterAll(() => cfn.restore());

describe('a deployed stack’s outputs for the --stack commands', () => {
  beforeEach(() => {
    cfn.reset();
    cfn.on(DescribeStacksCommand, { StackName: 'ClickstreamStorage' }).resolves({
      Stacks: [
        {
          StackName: 'ClickstreamStorage',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'RedshiftWorkgroup', OutputValue: 'clickstreamstorage-wg' },
            { OutputKey: 'RedshiftDatabase', OutputValue: 'clickstream' },
          ],
        },
      ],
    });
  });

  it('reads them by key', async () => {
    const outputs = await stackOutputs('ClickstreamStorage', ['RedshiftWorkgroup'], STORAGE_STACK, 'eu-west-1');
    expect(outputs.get('RedshiftWorkgroup')).toBe('clickstreamstorage-wg');
    expect(outputs.has('OpenSearchEndpoint')).toBe(false);
  });

  it('names the stack, the missing outputs and the stack it should be', async () => {
    await expect(stackOutputs('ClickstreamStorage', ['ArchiveBucket', 'OpenSearchEndpoint'], STORAGE_STACK, 'eu-west-1')).rejects.toThrow(
      'stack ClickstreamStorage has no ArchiveBucket/OpenSearchEndpoint outputs; is it the clickstream storage stack (e.g. ClickstreamStorage)?',
    );
  });
});
