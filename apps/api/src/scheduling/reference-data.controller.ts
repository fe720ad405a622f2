import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ReferenceDataService } from '@app/scheduling';
import { Actor, RequiresRole, Role } from '@app/access';
import {
  CreateOrganisationDto,
  CreateRegionDto,
  CreateVenueDto,
  OrganisationDto,
  OrganisationPageDto,
  OrganisationQueryDto,
  OrganisationTypeDto,
  PrefectureDto,
  RegionDto,
  UpdateRegionDto,
  UpdateVenueDto,
  VenueDto,
  VenuePageDto,
  VenueQueryDto,
} from './reference.dto.js';

@ApiTags('reference data')
@RequiresRole(Role.Operator)
@Controller()
export class ReferenceDataController {
  constructor(private readonly reference: ReferenceDataService) {}

  @ApiOperation({ summary: 'List the prefectures' })
  @Get('prefectures')
  @ApiOkResponse({ type: [PrefectureDto], description: 'The 47 prefectures with their region' })
  async prefectures(): Promise<PrefectureDto[]> {
    return (await this.reference.listPrefectures()).map(PrefectureDto.from);
  }

  @ApiOperation({ summary: 'List the regions' })
  @Get('regions')
  @ApiOkResponse({ type: [RegionDto], description: 'Regional blocks (B-1 covers each at least once)' })
  async regions(): Promise<RegionDto[]> {
    return (await this.reference.listRegions()).map(RegionDto.from);
  }

  @ApiOperation({ summary: 'Get a region' })
  @Get('regions/:id')
  @ApiOkResponse({ type: RegionDto })
  @ApiNotFoundResponse()
  async region(@Param('id', ParseUUIDPipe) id: string): Promise<RegionDto> {
    return RegionDto.from(await this.reference.getRegion(id));
  }

  @ApiOperation({ summary: 'Create a region' })
  @Post('regions')
  @ApiCreatedResponse({ type: RegionDto })
  @ApiConflictResponse({ description: 'The code is taken' })
  async createRegion(@Body() body: CreateRegionDto, @Actor() actor: string): Promise<RegionDto> {
    return RegionDto.from(await this.reference.createRegion(body, actor));
  }

  @ApiOperation({ summary: 'Change a region' })
  @ApiConflictResponse({ description: 'The name is taken' })
  @Patch('regions/:id')
  @ApiOkResponse({ type: RegionDto, description: 'Renamed, reordered, or given prefectures' })
  @ApiNotFoundResponse()
  async updateRegion(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateRegionDto, @Actor() actor: string): Promise<RegionDto> {
    return RegionDto.from(await this.reference.updateRegion(id, body, actor));
  }

  @ApiOperation({ summary: 'Delete a region' })
  @Delete('regions/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The region still has prefectures or sessions' })
  async deleteRegion(@Param('id', ParseUUIDPipe) id: string, @Actor() actor: string): Promise<void> {
    await this.reference.deleteRegion(id, actor);
  }

  @ApiOperation({ summary: 'List the organisation types' })
  @Get('organisation-types')
  @ApiOkResponse({ type: [OrganisationTypeDto] })
  async organisationTypes(): Promise<OrganisationTypeDto[]> {
    return (await this.reference.listOrganisationTypes()).map(OrganisationTypeDto.from);
  }

  @ApiOperation({ summary: 'List organisations' })
  @Get('organisations')
  @ApiOkResponse({ type: OrganisationPageDto })
  async organisations(@Query() query: OrganisationQueryDto): Promise<OrganisationPageDto> {
    const page = await this.reference.listOrganisations(query);
    return { ...page, items: page.items.map(OrganisationDto.from) };
  }

  @ApiOperation({ summary: 'Get an organisation' })
  @Get('organisations/:id')
  @ApiOkResponse({ type: OrganisationDto })
  @ApiNotFoundResponse()
  async organisation(@Param('id', ParseUUIDPipe) id: string): Promise<OrganisationDto> {
    return OrganisationDto.from(await this.reference.getOrganisation(id));
  }

  @ApiOperation({ summary: 'Create an organisation' })
  @Post('organisations')
  @ApiCreatedResponse({ type: OrganisationDto })
  @ApiConflictResponse({ description: 'The name is taken' })
  async createOrganisation(@Body() body: CreateOrganisationDto, @Actor() actor: string): Promise<OrganisationDto> {
    return OrganisationDto.from(await this.reference.createOrganisation(body, actor));
  }

  @ApiOperation({ summary: 'List venues' })
  @Get('venues')
  @ApiOkResponse({ type: VenuePageDto })
  async venues(@Query() query: VenueQueryDto): Promise<VenuePageDto> {
    const page = await this.reference.listVenues(query);
    return { ...page, items: page.items.map(VenueDto.from) };
  }

  @ApiOperation({ summary: 'Get a venue' })
  @Get('venues/:id')
  @ApiOkResponse({ type: VenueDto })
  @ApiNotFoundResponse()
  async venue(@Param('id', ParseUUIDPipe) id: string): Promise<VenueDto> {
    return VenueDto.from(await this.reference.getVenue(id));
  }

  @ApiOperation({ summary: 'Create a venue' })
  @Post('venues')
  @ApiCreatedResponse({ type: VenueDto })
  @ApiConflictResponse({ description: 'The name is taken' })
  async createVenue(@Body() body: CreateVenueDto, @Actor() actor: string): Promise<VenueDto> {
    return VenueDto.from(await this.reference.createVenue(body, actor));
  }

  @ApiOperation({ summary: 'Change a venue' })
  @Patch('venues/:id')
  @ApiOkResponse({ type: VenueDto })
  @ApiConflictResponse({ description: 'A booked session would no longer fit' })
  async updateVenue(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateVenueDto, @Actor() actor: string): Promise<VenueDto> {
    return VenueDto.from(await this.reference.updateVenue(id, body, actor));
  }
}
