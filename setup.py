"""Installation of diffseg (OpenMMLab style: requirements/ drive install_requires)."""
import os.path as osp
import re

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def get_version() -> str:
    with open(osp.join(HERE, 'diffseg', 'version.py')) as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


def parse_requirements(name: str) -> list:
    """Requirement lines of requirements/<name>.txt (``-r`` includes followed)."""
    path = osp.join(HERE, 'requirements', name)
    requirements = []
    with open(path) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if not line:
                continue
            if line.startswith('-r '):
                requirements += parse_requirements(line[3:].strip())
            else:
                requirements.append(line)
    return requirements


setup(
    name='diffseg',
    version=get_version(),
    description='Segmentation with latent diffusion models, OpenMMLab style',
    long_description=open(osp.join(HERE, 'README.md')).read()
    if osp.exists(osp.join(HERE, 'README.md')) else '',
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'projects')),
    include_package_data=True,
    python_requires='>=3.10',
    license='Apache License 2.0',
    install_requires=parse_requirements('runtime.txt'),
    extras_require={
        'tests': parse_requirements('tests.txt'),
        'optional': parse_requirements('optional.txt'),
        'demo': parse_requirements('demo.txt'),
        'all': (parse_requirements('tests.txt') +
                parse_requirements('optional.txt')),
    },
    zip_safe=False,
)
