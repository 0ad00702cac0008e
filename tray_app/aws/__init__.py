"""Everything that talks to AWS: the only code that imports boto3 or botocore."""
